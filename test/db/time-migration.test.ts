import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateRollback, type Knex } from '../../src/db/knex.js';
import { migrations, type Migration } from '../../src/db/migrations/index.js';
import { seedRegions } from '../../seeds/regions.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

// 007 converts every ISO 8601 time column to epoch milliseconds: a database holding rows of the old form is
// migrated, and every value, every child row hanging off a rebuilt table, and the way back are checked.

const before007: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations.filter((m) => m.name < '007'),
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

let fresh: TestDatabase;
let db: Knex;
beforeAll(async () => {
  fresh = await freshDatabase();
  db = createDb(fresh.target);
  await db.migrate.latest({ migrationSource: before007 });
  await seedRegions(db);
});
afterAll(async () => {
  await db?.destroy();
  await fresh?.dispose();
});

const T1 = '2026-03-02T01:02:03.456Z';
const T2 = '2026-11-30T23:59:59.999Z';
const T3 = '2025-12-31T16:00:00.000Z';
const ms = (iso: string) => Date.parse(iso);
const num = (v: unknown) => (v === null ? null : Number(v));

/** Rows of every converted table, as the old schema held them, with children of the tables SQLite rebuilds. */
async function oldFormRows(): Promise<void> {
  await db('clients').insert([
    { client_id: 'bur_1', kind: 'bureau', status: 'active', dpop_required: false, jwks_uri: null, created_at: T1 },
    { client_id: 'ins_1', kind: 'institution', status: 'active', dpop_required: true, jwks_uri: null, created_at: T2 },
  ]);
  await db('client_keys').insert({ client_id: 'ins_1', jkt: 'jkt-1', kid: 'k1', jwk: '{"kty":"EC"}' });
  await db('bureaus').insert({ client_id: 'bur_1', region_code: '150000', name: '财政厅', created_by: null, created_at: T1 });
  await db('institutions').insert({
    client_id: 'ins_1',
    name: '测试银行',
    uscc: '91150100MA0000000X',
    license_no: 'B1',
    type: 'bank',
    status_reason: null,
    webhook_url: null,
    webhook_secret: 'whsec_x',
    created_by: 'bur_1',
    created_at: T2,
    updated_at: T3,
  });
  await db('institution_regions').insert({ client_id: 'ins_1', region_code: '150000' });
  await db('gateway_keys').insert({ kid: 'g1', alg: 'ES256', status: 'active', private_jwk: '{}', public_jwk: '{}', created_at: T3 });
  await db('admin_audit').insert({ at: T1, actor: null, action: 'createBureau', target: 'bur_1', before: null, after: '{}' });
  await db('used_jtis').insert({ key: 'assertion:ins_1:j1', expires_at: 1_790_000_000 });
  await db('contracts').insert({
    contract_no: 'HT-1',
    project_no: 'P-1',
    purchaser_name: '采购人',
    purchaser_region_code: '150102',
    supplier_uscc: '91150100MA0000001X',
    supplier_name: '供应商',
    supplier_sme: true,
    category: 'goods',
    amount_fen: 1_000_000,
    procurement_method: 'open_tender',
    signed_on: '2026-01-05',
    payment_terms: '{}',
    status: 'active',
    version: 2,
    last_change_id: 'c2',
    updated_at: T2,
  });
  await db('contract_amendments').insert({ change_id: 'c2', contract_no: 'HT-1', version: 2, occurred_at: T2, kind: 'contract.amended', changes: '{}' });
  await db('acceptances').insert({ acceptance_id: 'A-1', contract_no: 'HT-1', accepted_at: T1, result: 'passed' });
  await db('payments').insert({ payment_id: 'P-1', contract_no: 'HT-1', amount_fen: 400_000, paid_at: T3 });
  await db('supplier_risk_flags').insert([
    { flag_id: 'F-1', supplier_uscc: '91150100MA0000001X', kind: 'dishonest', recorded_at: T1, description: 'x', lifted_at: T2 },
    { flag_id: 'F-2', supplier_uscc: '91150100MA0000001X', kind: 'dishonest', recorded_at: T3, description: 'y', lifted_at: null },
  ]);
  await db('sync_cursors').insert({ source: 'procurement_cloud', cursor: '42', updated_at: T2 });
  await db('quarantined_records').insert({ id: 'q1', source: 'procurement_cloud', change_id: null, reason: 'bad', raw_payload: '{}', region_code: null, received_at: T3 });
  await db('events').insert({ id: 'evt_1', type: 'application.submitted', occurred_at: T1, contract_no: 'HT-1', payload: '{}', created_at: T2 });
  await db('event_deliveries').insert({
    id: 'evt_p1',
    institution_id: 'ins_1',
    event_id: 'evt_1',
    application_id: null,
    type: 'application.submitted',
    body: '{}',
    status: 'delivered',
    attempts: 1,
    next_attempt_at: null,
    created_at: ms(T2),
  });
  await db('webhook_attempts').insert({ delivery_id: 'evt_p1', attempt: 1, url: 'https://bank.example/h', started_at: ms(T2), duration_ms: 5, status_code: 200, error: null, outcome: 'delivered' });
}

const times = async () => ({
  clients: (await db('clients').orderBy('client_id').select('created_at')).map((r) => num(r.created_at)),
  bureau: num((await db('bureaus').first('created_at')).created_at),
  institution: await db('institutions').first('created_at', 'updated_at').then((r) => [num(r.created_at), num(r.updated_at)]),
  gatewayKey: num((await db('gateway_keys').first('created_at')).created_at),
  audit: num((await db('admin_audit').first('at')).at),
  jti: num((await db('used_jtis').first('expires_at')).expires_at),
  contract: num((await db('contracts').first('updated_at')).updated_at),
  amendment: num((await db('contract_amendments').first('occurred_at')).occurred_at),
  acceptance: num((await db('acceptances').first('accepted_at')).accepted_at),
  payment: num((await db('payments').first('paid_at')).paid_at),
  flags: (await db('supplier_risk_flags').orderBy('flag_id').select('recorded_at', 'lifted_at')).map((r) => [num(r.recorded_at), num(r.lifted_at)]),
  cursor: num((await db('sync_cursors').first('updated_at')).updated_at),
  quarantine: num((await db('quarantined_records').first('received_at')).received_at),
  event: await db('events').first('occurred_at', 'created_at').then((r) => [num(r.occurred_at), num(r.created_at)]),
});

describe(`times stored as epoch milliseconds (007) on ${testDatabaseKind}`, () => {
  it('converts the ISO 8601 columns of a database holding old rows, and keeps every row that hangs off them', async () => {
    await oldFormRows();
    await db.migrate.latest();

    expect(await times()).toEqual({
      clients: [ms(T1), ms(T2)],
      bureau: ms(T1),
      institution: [ms(T2), ms(T3)],
      gatewayKey: ms(T3),
      audit: ms(T1),
      jti: 1_790_000_000_000,
      contract: ms(T2),
      amendment: ms(T2),
      acceptance: ms(T1),
      payment: ms(T3),
      flags: [
        [ms(T1), ms(T2)],
        [ms(T3), null],
      ],
      cursor: ms(T2),
      quarantine: ms(T3),
      event: [ms(T1), ms(T2)],
    });
    // The values are numbers in the database, not digits in text: they compare and sort as times.
    expect(await db('payments').where('paid_at', '<', ms(T1)).pluck('payment_id')).toEqual(['P-1']);
    expect(await db('payments').where('paid_at', '>', ms(T1)).pluck('payment_id')).toEqual([]);
    // Rows that reference rebuilt tables are all still there, and the keys still hold.
    expect(await db('client_keys').pluck('jkt')).toEqual(['jkt-1']);
    expect(await db('institution_regions').pluck('client_id')).toEqual(['ins_1']);
    expect(await db('acceptances').pluck('acceptance_id')).toEqual(['A-1']);
    expect(await db('webhook_attempts').pluck('delivery_id')).toEqual(['evt_p1']);
    await expect(db('payments').insert({ payment_id: 'P-9', contract_no: 'HT-404', amount_fen: 1, paid_at: ms(T1) })).rejects.toThrow();
    await expect(db('clients').insert({ client_id: 'c_null', kind: 'bureau', status: 'active', dpop_required: false, jwks_uri: null, created_at: null })).rejects.toThrow();
  });

  it('goes back to ISO 8601 text on rollback, and forward again', async () => {
    await migrateRollback(db);
    expect((await db('events').first('occurred_at', 'created_at'))).toEqual({ occurred_at: T1, created_at: T2 });
    expect((await db('supplier_risk_flags').orderBy('flag_id').select('lifted_at')).map((r) => r.lifted_at)).toEqual([T2, null]);
    expect(num((await db('used_jtis').first('expires_at')).expires_at)).toBe(1_790_000_000);
    expect((await db('institutions').first('updated_at')).updated_at).toBe(T3);

    await db.migrate.latest();
    expect((await times()).event).toEqual([ms(T1), ms(T2)]);
    expect(await db('client_keys').pluck('jkt')).toEqual(['jkt-1']);
  });
});
