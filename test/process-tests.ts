/**
 * Test files that start `zcd` (or a shell running it) as processes of their own: each process needs a core
 * for about a second to start, and several of these files time a process's exit or its log lines. They run
 * one at a time, after the rest, so that two of them never compete for the two cores of a CI machine.
 * A new test file that spawns `zcd` belongs here; test/unit/process-tests.test.ts fails until it is.
 */
export const processTests = [
  'test/db/audit-tree.test.ts',
  'test/db/gateway-keys.test.ts',
  'test/http/bank-sim.test.ts',
  'test/http/busy-database.test.ts',
  'test/http/cli-*.test.ts',
  'test/http/conformance.test.ts',
  'test/http/demo.test.ts',
  'test/http/lifecycle.test.ts',
  'test/http/readme-blocks.test.ts',
  'test/http/sandbox-provider-serve.test.ts',
  'test/http/serve-sync.test.ts',
  'test/http/staff-cli.test.ts',
  'test/http/statistics.test.ts',
  'test/http/sync-crash.test.ts',
  'test/http/webhook-crash.test.ts',
  'test/http/webhook-two-instances.test.ts',
  'test/unit/text-rule.test.ts',
];
