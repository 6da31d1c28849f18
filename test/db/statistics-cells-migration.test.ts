import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, migrateRollback, type Knex } from '../../src/db/knex.js';
import { migrations, type Migration } from '../../src/db/migrations/index.js';
import { KnexFinancingStore } from '../../src/features/financing/financing-knex-store.js';
import { seedRegions } from '../../seeds/regions.js';
import { insertApplication, insertProduct } from '../helpers/financing-rows.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

// 015 gives each repayment its application's purchaser region and institution: the repayments already there are
// filled in by the migration, new ones by the financing store in the statement that writes them.

const before015: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations.filter((m) => m.name < '015'),
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

let fresh: TestDatabase;
let db: Knex;
beforeAll(async () => {
  fresh = await freshDatabase();
  db = createDb(fresh.target);
  await db.migrate.latest({ migrationSource: before015 });
  await seedRegions(db);
  await db('clients').insert({ client_id: 'ins_1', kind: 'institution', status: 'active', dpop_required: true, created_at: 0 });
});
afterAll(async () => {
  await db?.destroy();
  await fresh?.dispose();
});

const cells = async () =>
  (await db('repayments').select('application_id', 'region_code', 'institution_id', 'amount_fen').orderBy('id')).map((r) => ({
    ...r,
    amount_fen: Number(r.amount_fen),
  }));

describe(`015_statistics_cells on ${testDatabaseKind}`, () => {
  it('fills in the region and institution of existing repayments, and the store writes them on new ones', async () => {
    const productId = await insertProduct(db, { institutionId: 'ins_1', regions: ['150102', '150203'] });
    const story = { institutionId: 'ins_1', productId, requested: 1_000_000, created: '2026-03-02 09:00' };
    // Rows of the old form: the helper writes the new columns, so these are inserted without them.
    const a = await insertApplication(db, { ...story, region: '150102', approved: { at: '2026-03-03 09:00', amount: 800_000 } });
    const b = await insertApplication(db, { ...story, region: '150203', approved: { at: '2026-03-03 09:00', amount: 800_000 } });
    await db('repayments').insert([
      { application_id: a.id, amount_fen: 100_000, repaid_on: '2026-04-01', created_at: 1 },
      { application_id: b.id, amount_fen: 200_000, repaid_on: '2026-04-01', created_at: 2 },
    ]);

    await migrateLatest(db);
    expect(await cells()).toEqual([
      { application_id: a.id, region_code: '150102', institution_id: 'ins_1', amount_fen: 100_000 },
      { application_id: b.id, region_code: '150203', institution_id: 'ins_1', amount_fen: 200_000 },
    ]);

    await new KnexFinancingStore(db).insertRepayment({ applicationId: b.id, amountFen: 300_000, on: '2026-04-02', at: 3 });
    expect((await cells()).at(-1)).toEqual({ application_id: b.id, region_code: '150203', institution_id: 'ins_1', amount_fen: 300_000 });

    // And back: the columns go, the repayments stay.
    expect(await migrateRollback(db)).toEqual(['015_statistics_cells']);
    expect(await db.schema.hasColumn('repayments', 'region_code')).toBe(false);
    expect(await db('repayments').count({ n: '*' })).toEqual([{ n: testDatabaseKind === 'sqlite' ? 3 : '3' }]);
  });
});
