import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkInsert } from '../../src/db/bulk.js';
import type { Knex } from '../../src/db/knex.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let db: Knex;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
  await db.schema.createTable('bulk_probe', (t) => {
    t.string('id', 16).primary();
    t.bigInteger('fen').notNullable();
    t.boolean('flag').notNullable();
    t.string('note', 32).nullable();
    t.bigInteger('lifted_at').nullable();
  });
});
afterAll(async () => {
  await dispose?.();
});

const rows = async () =>
  ((await db('bulk_probe').select('*').orderBy('id')) as { id: string; fen: number | string; flag: boolean | number; note: string | null }[]).map((r) => ({
    id: r.id,
    fen: Number(r.fen),
    flag: Boolean(r.flag),
    note: r.note,
  }));

describe(`bulkInsert on ${testDatabaseKind}`, () => {
  it('inserts many rows with bigints, booleans and nulls, and ignores or merges on conflict', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => ({ id: `r${String(i).padStart(4, '0')}`, fen: 2_000_000_000_00 + i, flag: i % 2 === 0, note: null }));
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', many));
    expect(await rows()).toHaveLength(1200);
    expect((await rows())[1]).toEqual({ id: 'r0001', fen: 200_000_000_001, flag: false, note: null });

    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', [{ id: 'r0001', fen: 1, flag: true, note: 'x' }], { target: ['id'], ignore: true }));
    expect((await rows())[1]).toEqual({ id: 'r0001', fen: 200_000_000_001, flag: false, note: null });
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', [{ id: 'r0001', fen: 1, flag: true, note: 'x' }], { target: ['id'], merge: ['note'] }));
    expect((await rows())[1]).toEqual({ id: 'r0001', fen: 200_000_000_001, flag: false, note: 'x' });
  });

  it('applies the rows in order, a key met twice in one call merging to its later row, whatever the row count', async () => {
    const page = Array.from({ length: 73 }, (_, i) => ({ id: `m${String(i).padStart(3, '0')}`, fen: i, flag: true, note: 'first' }));
    page.push({ id: 'm001', fen: 1, flag: true, note: 'second' }, { id: 'm072', fen: 72, flag: true, note: 'second' });
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', page, { target: ['id'], merge: ['note'] }));
    const merged = (await rows()).filter((r) => r.id.startsWith('m'));
    expect(merged).toHaveLength(73);
    expect(merged.filter((r) => r.note === 'second').map((r) => r.id)).toEqual(['m001', 'm072']);
  });

  it('writes a column that is null in every row, whatever the column’s type, and merges it', async () => {
    const page = [
      { id: 'n1', fen: 1, flag: true, note: null, lifted_at: null },
      { id: 'n2', fen: 2, flag: true, note: null, lifted_at: null },
    ];
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', page, { target: ['id'], merge: ['lifted_at'] }));
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', [{ ...page[0]!, lifted_at: 1_790_000_000_000 }], { target: ['id'], merge: ['lifted_at'] }));
    await db.transaction((trx) => bulkInsert(trx, 'bulk_probe', [{ ...page[1]!, lifted_at: null }], { target: ['id'], merge: ['lifted_at'] }));
    const got = (await db('bulk_probe').whereIn('id', ['n1', 'n2']).orderBy('id').select('id', 'lifted_at')) as { id: string; lifted_at: number | string | null }[];
    expect(got.map((r) => [r.id, r.lifted_at === null ? null : Number(r.lifted_at)])).toEqual([
      ['n1', 1_790_000_000_000],
      ['n2', null],
    ]);
  });

  it('fails on a duplicate key without a conflict rule, and outside a transaction', async () => {
    await expect(db.transaction((trx) => bulkInsert(trx, 'bulk_probe', [{ id: 'r0002', fen: 1, flag: true, note: null }]))).rejects.toThrow();
    await expect(bulkInsert(db, 'bulk_probe', [{ id: 'z', fen: 1, flag: true, note: null }])).rejects.toThrow(TypeError);
  });
});
