import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexFinancingStore } from '../../src/features/financing/financing-knex-store.js';
import type { Product } from '../../src/features/financing/financing-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnexFinancingStore;
beforeAll(async () => {
  database = await migratedDatabase();
  store = new KnexFinancingStore(database.db);
});
afterAll(async () => {
  await database?.dispose();
});

const product = (id: string, regions: string[]): Product => ({
  id,
  institutionId: 'ins_reads',
  name: '政采贷 测试产品',
  maxAmountFen: 500_000_000,
  maxShareBp: 8000,
  rateMinBp: 350,
  rateMaxBp: 600,
  termMinDays: 30,
  termMaxDays: 365,
  categories: ['goods', 'services'],
  regions,
  feeBp: 0,
  decideDays: 3,
  disburseDays: null,
  requirements: null,
  status: 'approved',
  reviewReason: null,
  createdAt: 1_790_000_000_000,
  updatedAt: 1_790_000_000_000,
});

describe(`a product read in one statement on ${testDatabaseKind}`, () => {
  it('comes back whole with every region it serves, sorted, whether it serves one region or several', async () => {
    const one = product('00000000-0000-4000-8000-0000000000a1', ['150102']);
    const several = product('00000000-0000-4000-8000-0000000000a2', ['150202', '150102', '150100']);
    await store.insertProduct(one);
    await store.insertProduct(several);
    expect(await store.getProduct(one.id)).toEqual(one);
    expect(await store.getProduct(several.id)).toEqual({ ...several, regions: ['150100', '150102', '150202'] });
  });

  it('answers undefined for a product nobody made', async () => {
    expect(await store.getProduct('00000000-0000-4000-8000-0000000000ff')).toBeUndefined();
  });
});
