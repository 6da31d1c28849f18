import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexJtiStore } from '../../src/features/auth/jti-knex-store.js';
import { createDb, type Knex } from '../../src/db/knex.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';
import { TestClock } from '../helpers/auth.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let second: Knex;
beforeAll(async () => {
  database = await migratedDatabase();
  second = createDb(database.fresh.target);
});
afterAll(async () => {
  await second?.destroy();
  await database?.dispose();
});

describe(`single-use jtis on ${testDatabaseKind}`, () => {
  const clock = new TestClock(new Date('2026-11-27T08:00:00Z'));

  it('lets exactly one of many concurrent uses of a key win, across two connections (two instances)', async () => {
    const a = new KnexJtiStore(database.db, clock.now);
    const b = new KnexJtiStore(second, clock.now);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).use('assertion:c:j1', clock.epoch + 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.use('assertion:c:j2', clock.epoch + 60)).toBe(true);
  });

  it('prunes expired keys only', async () => {
    const store = new KnexJtiStore(database.db, clock.now);
    await store.use('old', clock.epoch - 1);
    await store.use('live', clock.epoch + 100);
    expect(await store.prune(clock.epoch)).toBeGreaterThanOrEqual(1);
    expect(await store.use('old', clock.epoch + 10)).toBe(true);
    expect(await store.use('live', clock.epoch + 100)).toBe(false);
  });
});
