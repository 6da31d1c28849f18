import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAuditStore } from '../../src/features/audit/audit-knex-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnexAuditStore;
beforeAll(async () => {
  database = await migratedDatabase();
  store = new KnexAuditStore(database.db);
});
afterAll(async () => {
  await database?.dispose();
});

const read = (i: number, at = 1_790_000_000_000 + i) => ({
  at,
  institutionId: '00000000-0000-4000-8000-000000000001',
  applicationId: '00000000-0000-4000-8000-00000000000a',
  contractNo: `HT-${i}`,
  supplierUscc: '91350100M000100Y43',
  purchaserRegionCode: '150102',
  part: 'contract' as const,
  consentExpiresAt: 1_800_000_000_000,
});

const logged = async () => (await database.db('data_access_log').select('contract_no', 'id')) as { contract_no: string; id: number | string }[];

describe(`the data-access log written together on ${testDatabaseKind}`, () => {
  it('writes 300 concurrent reads once each, and each append resolves only once its read is in the table', async () => {
    const seenAtResolve: boolean[] = [];
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        store.appendAccess(read(i)).then(async () => {
          const row = await database.db('data_access_log').where({ contract_no: `HT-${i}` }).first('id');
          seenAtResolve.push(row !== undefined);
        }),
      ),
    );
    expect(seenAtResolve).toHaveLength(300);
    expect(seenAtResolve.every(Boolean)).toBe(true);
    const rows = await logged();
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.contract_no)).size).toBe(300);
    expect(new Set(rows.map((r) => Number(r.id))).size).toBe(300);
  });

  it('fails only the read the database refuses, not the others written with it', async () => {
    const before = (await logged()).length;
    const results = await Promise.allSettled([
      store.appendAccess(read(1000)),
      store.appendAccess(read(1001)),
      // A time that is not a number: the database refuses it (NOT NULL, or not a bigint).
      store.appendAccess(read(1002, Number.NaN)),
      store.appendAccess(read(1003)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const after = await logged();
    expect(after.length - before).toBe(3);
    expect(after.map((r) => r.contract_no)).not.toContain('HT-1002');
  });
});
