import { pendingMigrations, type Knex } from './knex.js';

/** The readiness checks of the database: it answers, and no migration is pending. */
export function databaseChecks(db: Knex): Record<string, () => Promise<{ ok: boolean; detail?: string }>> {
  return {
    database: async () => {
      await db.raw('select 1');
      return { ok: true };
    },
    migrations: async () => {
      const pending = await pendingMigrations(db);
      return pending.length === 0 ? { ok: true } : { ok: false, detail: `${pending.length} pending` };
    },
  };
}
