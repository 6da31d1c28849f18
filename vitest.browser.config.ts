import { defineConfig } from 'vitest/config';

// The browser tests (`npm run test:browser`): a real `zcd serve` and Debian's Chromium per file, one file at a
// time — each file already runs a server and a browser on the machine's two cores.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
