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
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
