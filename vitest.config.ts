import { availableParallelism } from 'node:os';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { processTests } from './test/process-tests.js';


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
