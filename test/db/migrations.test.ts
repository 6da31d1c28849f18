import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, isPostgres, migrateLatest, migrateRollback, pendingMigrations, type Knex } from '../../src/db/knex.js';
import { migrations } from '../../src/db/migrations/index.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

let fresh: TestDatabase;
let db: Knex;
beforeAll(async () => {
  fresh = await freshDatabase();
  db = createDb(fresh.target);
});
afterAll(async () => {
  await db?.destroy();
  await fresh?.dispose();
});

describe(`migrations on ${testDatabaseKind}`, () => {
  it('run up from empty, down to empty, and up again', async () => {
    expect(await pendingMigrations(db)).toHaveLength(migrations.length);
    expect(await migrateLatest(db)).toEqual(migrations.map((m) => m.name));
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await db.schema.hasTable('regions')).toBe(true);

    expect(await migrateRollback(db, true)).toHaveLength(migrations.length);
    expect(await db.schema.hasTable('regions')).toBe(false);
    expect(await pendingMigrations(db)).toHaveLength(migrations.length);

    await migrateLatest(db);
    expect(await pendingMigrations(db)).toEqual([]);
  });

  it('enforces foreign keys', async () => {
    await expect(
      db('regions').insert({ code: '150199', name: 'orphan', level: 'county', parent_code: '159999' }),
    ).rejects.toThrow();
  });

  it.runIf(testDatabaseKind === 'sqlite')('keeps SQLite in WAL mode', async () => {
    expect(isPostgres(db)).toBe(false);
    const rows = (await db.raw('pragma journal_mode')) as { journal_mode: string }[];
    expect(rows[0]!.journal_mode).toBe('wal');
  });
});
