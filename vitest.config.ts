import { availableParallelism } from 'node:os';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // The client package (a workspace) is tested and used from its TypeScript source, not its last build.
  resolve: { conditions: ['zcd-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['zcd-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts', 'clients/typescript/test/**/*.test.ts'],
    // The browser tests have their own command and config (vitest.browser.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one file fewer than the cores: a single file at a time on the 2-core machines CI runs on.
    // Most of this suite waits on what it starts (`zcd` child processes, servers, PostgreSQL), and every file has
    // its own database, so two at once are safe there: npm test went from 682 to 490 s on SQLite and from 862 to
    // 676 s on PostgreSQL on one such machine (2026-12-01).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
