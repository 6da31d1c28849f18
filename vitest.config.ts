import { availableParallelism } from 'node:os';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Test files that start `zcd` (or a shell running it) as processes of their own: each process needs a core
 * for about a second to start, and several of these files time a process's exit or its log lines. They run
 * one at a time, after the rest, so that two of them never compete for the two cores of a CI machine.
 * A new test file that spawns `zcd` belongs here.
 */
const processTests = [
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

/** What both groups share: the client package (a workspace) is tested from its TypeScript source, not its last build. */
function project(name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration {
  return {
    resolve: { conditions: ['zcd-source', ...defaultServerConditions] },
    ssr: { resolve: { conditions: ['zcd-source', ...defaultServerConditions] } },
    test: {
      name,
      environment: 'node',
      pool: 'forks',
      testTimeout: 20_000,
      hookTimeout: 30_000,
      env: { LOG_LEVEL: 'silent' },
      ...test,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      // Everything that runs in the test's own process: two files at a time even on two cores, since most of
      // a file's time is spent waiting on its database or its loopback HTTP.
      project('in-process', {
        include: ['test/**/*.test.ts', 'clients/typescript/test/**/*.test.ts'],
        // The browser tests have their own command and config (vitest.browser.config.ts).
        exclude: [...configDefaults.exclude, 'test/browser/**', ...processTests],
        maxWorkers: Math.max(2, availableParallelism() - 1),
        sequence: { groupOrder: 0 },
      }),
      project('processes', {
        include: processTests,
        maxWorkers: 1,
        sequence: { groupOrder: 1 },
      }),
    ],
  },
});
