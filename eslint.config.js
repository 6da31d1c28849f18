// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The database drivers: only the persistence layer may import them (issue 12). */
const DATABASE_DRIVERS = ['knex', 'pg', 'better-sqlite3'].map((name) => ({
  name,
  message: 'Only src/db/, migrations and *-knex-store.ts files talk to the database; depend on a store interface.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'clients/*/dist/**', 'node_modules/**', 'src/generated/**', 'clients/*/src/generated/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'no-restricted-imports': ['error', { paths: DATABASE_DRIVERS }],
    },
  },
  {
    // Services and routes hold rules and HTTP: not even the gateway's own database helpers.
    files: ['src/features/**/*-service.ts', 'src/features/**/*-routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DATABASE_DRIVERS,
          patterns: [{ group: ['**/db/*'], message: 'A service or route depends on store interfaces and `Transactional`, never on src/db/.' }],
        },
      ],
    },
  },
  {
    files: [
      'src/db/**',
      '**/*-knex-store.ts',
      // The sandbox procurement cloud is a stand-in for an outside system that keeps its own tables.
      'adapters/sandbox/**',
      // The bench builds fixtures and runs the bare reference servers (R0, R1) on the drivers directly.
      'bench/**',
      // Tests create and drop throwaway PostgreSQL databases.
      'test/helpers/db.ts',
      // The idempotency store is part of the HTTP kit, which another change is reworking; it moves behind a store there.
      'src/http/idempotency.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);
