import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import { migrations } from '../../src/db/migrations/index.js';
import { AuditTree, TREE_HEAD_TYP, verifyTree } from '../../src/features/audit/audit-tree.js';
import { KnexAuditStore } from '../../src/features/audit/audit-knex-store.js';
import { jwksHeadCheck } from '../../src/features/audit/head-signatures.js';
import { GatewayKeys } from '../../src/features/auth/gateway-keys.js';
import { KnexGatewayKeyStore } from '../../src/features/auth/gateway-keys-knex-store.js';
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

/** The hash the former chain gave an entry (as 004's chain computed it). */
const chainHash = (prev: string, fields: unknown[]) => createHash('sha256').update(prev).update('\n').update(JSON.stringify(fields)).digest('hex');

describe(`migrating the audit hash chain into the tree on ${testDatabaseKind}`, () => {
  it('turns every chained entry into a leaf with its chain hash, and new reads follow them', async () => {
    // Up to the last migration before the tree, with a chain of five reads.
    const before = migrations.findIndex((m) => m.name === '009_audit_tree');
    for (let i = 0; i < before; i++) await db.migrate.up();
    let prev = '0'.repeat(64);
    for (let id = 1; id <= 5; id++) {
      const row = { id, at: 1_790_000_000_000 + id, institution_id: 'bank', application_id: 'app', contract_no: `HT-${id}`, supplier_uscc: '91350100M000100Y43', purchaser_region_code: '150102', part: 'contract', consent_expires_at: 1_800_000_000_000 };
      const hash = chainHash(prev, Object.values(row));
      await db('data_access_log').insert({ ...row, prev_hash: prev, hash });
      await db('audit_chain_head').where({ id: 1 }).update({ last_id: id, last_hash: hash });
      prev = hash;
    }

    await migrateLatest(db);
    const keys = new GatewayKeys(new KnexGatewayKeyStore(db));
    const store = new KnexAuditStore(db);
    const tree = new AuditTree({ store, issuer: 'http://gw.test', sign: (c) => keys.sign(c, TREE_HEAD_TYP) });
    await tree.append({ at: 1_790_000_000_100, institutionId: 'bank', applicationId: 'app', contractNo: 'HT-6', supplierUscc: '91350100M000100Y43', purchaserRegionCode: '150102', part: 'payments', consentExpiresAt: 1_800_000_000_000 });
    expect(await tree.sequence()).toBe(6);

    const listed = await tree.list({ supplierUscc: '91350100M000100Y43' }, { limit: 10 });
    expect(listed.map((e) => [e.id, e.leafIndex])).toEqual([[6, 5], [5, 4], [4, 3], [3, 2], [2, 1], [1, 0]]);
    expect(listed.find((e) => e.id === 5)!.chainHash).toBe(prev);
    expect(listed.find((e) => e.id === 6)!.chainHash).toBeNull();
    expect(await verifyTree(store, jwksHeadCheck(await keys.jwks(), 'http://gw.test'))).toMatchObject({ ok: true, leaves: 6, heads: 1 });
  });
});
