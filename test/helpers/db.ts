import { afterAll, beforeAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { DatabaseTarget } from '../../src/config.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import { seedRegions } from '../../seeds/regions.js';

/**
 * The PostgreSQL server the suite uses when set, e.g.
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test. Each test file gets its own
 * throwaway database on it; without it, each gets its own SQLite file.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Which database this run of the suite uses. */
export const testDatabaseKind: 'pg' | 'sqlite' = TEST_DATABASE_URL ? 'pg' : 'sqlite';

/** A fresh, empty database and how to get rid of it. */
export interface TestDatabase {
  target: DatabaseTarget;
  url: string;
  dispose(): Promise<void>;
}

/** Creates an empty database for one test file. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const name = `zcd_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
    await admin.raw(`create database ${name}`);
    await admin.destroy();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      target: { client: 'pg', connectionString: url.toString() },
      url: url.toString(),
      async dispose() {
        const a = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
        await a.raw(`drop database if exists ${name} with (force)`);
        await a.destroy();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'zcd-test-'));
  const filename = join(dir, 'zcd.sqlite');
  return {
    target: { client: 'sqlite', filename },
    url: `sqlite:${filename}`,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database, migrated and holding the regions. */
export async function migratedDatabase(): Promise<{ db: Knex; fresh: TestDatabase; dispose(): Promise<void> }> {
  const fresh = await freshDatabase();
  const db = createDb(fresh.target);
  await migrateLatest(db);
  await seedRegions(db);
  return {
    db,
    fresh,
    async dispose() {
      await db.destroy();
      await fresh.dispose();
    },
  };
}

/** A migrated database with a probe table of its own, and a second pool on it: another writer, as the CLI beside `zcd serve` is. */
export interface ProbeDatabase {
  db: Knex;
  other: Knex;
}

/**
 * Sets up, for the test file that calls it, a migrated database with the table `table` (`id` text key, `n`
 * integer) and a second pool on the same database; takes both down after the file. Read its fields in tests.
 */
export function probeDatabase(table: string): ProbeDatabase {
  const probe = {} as ProbeDatabase;
  let database: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
  beforeAll(async () => {
    database = await migratedDatabase();
    await database.db.schema.createTable(table, (t) => {
      t.string('id', 16).primary();
      t.integer('n').notNullable();
    });
    probe.db = database.db;
    probe.other = createDb(database.fresh.target);
  });
  afterAll(async () => {
    await probe.other?.destroy();
    await database?.dispose();
  });
  return probe;
}
