import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTree, leafData, TREE_HEAD_TYP, verifyTree } from '../../src/features/audit/audit-tree.js';
import { appendLeaves, leafHash, rightEdge } from '../../src/features/audit/merkle.js';
import { createDb } from '../../src/db/knex.js';
import { KnexAuditStore } from '../../src/features/audit/audit-knex-store.js';
import { jwksHeadCheck } from '../../src/features/audit/head-signatures.js';
import { GatewayKeys } from '../../src/features/auth/gateway-keys.js';
import { KnexGatewayKeyStore } from '../../src/features/auth/gateway-keys-knex-store.js';
import { KnexAdminAuditStore } from '../../src/features/audit/admin-audit-knex-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';
import { runZcd } from '../helpers/cli.js';
import { verifyConsistency, verifyInclusion } from '../helpers/rfc9162-verify.js';

const ISSUER = 'http://127.0.0.1:0';
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnexAuditStore;
let keys: GatewayKeys;
let tree: AuditTree;
beforeAll(async () => {
  database = await migratedDatabase();
  store = new KnexAuditStore(database.db);
  keys = new GatewayKeys(new KnexGatewayKeyStore(database.db));
  tree = new AuditTree({ store, issuer: ISSUER, sign: (c) => keys.sign(c, TREE_HEAD_TYP), batch: 16 });
});
afterAll(async () => {
  await database?.dispose();
});

const read = (i: number) => ({
  at: 1_790_000_000_000 + i,
  institutionId: '00000000-0000-4000-8000-000000000001',
  applicationId: '00000000-0000-4000-8000-00000000000a',
  contractNo: `HT-${i}`,
  supplierUscc: '91350100M000100Y43',
  purchaserRegionCode: '150102',
  part: 'contract' as const,
  consentExpiresAt: 1_800_000_000_000,
});

const hex = (h: string) => Buffer.from(h, 'hex');
const check = async () => jwksHeadCheck(await keys.jwks(), ISSUER);
const leafCount = async () => Number(((await database.db('audit_leaves').count('* as n').first()) as { n: number | string }).n);

describe(`audit Merkle tree on ${testDatabaseKind}`, () => {
  it('appends concurrent reads without a chain, and the sequencer gives each one leaf, in batches, with signed heads', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => tree.append(read(i))));
    const listed = await tree.list({ supplierUscc: read(0).supplierUscc }, { limit: 50 });
    expect(listed).toHaveLength(40);
    expect(listed.every((e) => e.leafIndex === null && e.leafHash === null)).toBe(true);

    await new KnexAdminAuditStore(database.db).record({ at: 1, actor: 'bureau-1', action: 'reviewProduct', target: 'p-1', before: { a: 1 }, after: null });
    expect(await tree.sequence()).toBe(41);
    // Batches of 16: heads at 16, 32 and 41.
    expect((await store.heads(0, 10)).map((h) => h.treeSize)).toEqual([16, 32, 41]);
    const after = await tree.list({ supplierUscc: read(0).supplierUscc }, { limit: 50 });
    expect(after.map((e) => e.leafIndex).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(after.every((e) => /^[0-9a-f]{64}$/.test(e.leafHash!))).toBe(true);
    expect(await tree.sequence()).toBe(41); // nothing new: no new head
    expect((await store.heads(0, 10)).length).toBe(3);

    expect(await verifyTree(store, await check())).toEqual({ ok: true, leaves: 41, heads: 3, headsWithRetiredKey: 0 });
  });

  it('serves proofs an RFC 9162 verifier accepts against the signed heads', async () => {
    const head = (await tree.latestHead())!;
    const [entry] = await tree.list({ supplierUscc: read(0).supplierUscc }, { limit: 1 });
    const proof = await tree.inclusion(entry!.leafIndex!, undefined, () => true);
    if (typeof proof === 'string') throw new Error(proof);
    expect(proof.leafHash).toBe(entry!.leafHash);
    expect(verifyInclusion(proof.leafIndex, proof.treeSize, hex(proof.leafHash), proof.path.map(hex), hex(head.rootHash))).toBe(true);
    // To an older head too, and refused (as if absent) when the caller may not see the entry.
    const older = await tree.inclusion(3, 16, () => true);
    if (typeof older === 'string') throw new Error(older);
    expect(verifyInclusion(3, 16, hex(older.leafHash), older.path.map(hex), hex((await tree.head(16))!.rootHash))).toBe(true);
    expect(await tree.inclusion(3, undefined, () => false)).toBe('no_leaf');
    expect(await tree.inclusion(20, 16, () => true)).toBe('no_head');
    expect(await tree.inclusion(3, 17, () => true)).toBe('no_head');
    expect(await tree.inclusion(999, undefined, () => true)).toBe('no_leaf');

    const c = (await tree.consistency(16, 41))!;
    expect(verifyConsistency(16, 41, hex(c.first.rootHash), hex(c.second.rootHash), c.proof.map(hex))).toBe(true);
    expect(await tree.consistency(16, 17)).toBeUndefined();
  });

  it('lets one sequencer at a time add entries: concurrent runs never give an entry two leaves', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => tree.append(read(100 + i))));
    const other = new AuditTree({ store: new KnexAuditStore(database.db), issuer: ISSUER, sign: (c) => keys.sign(c, TREE_HEAD_TYP), batch: 7 });
    await Promise.all([tree.sequence(), other.sequence(), tree.sequence()]);
    await tree.sequence();
    const leaves = (await database.db('audit_leaves').count('* as n').first()) as { n: number | string };
    expect(Number(leaves.n)).toBe(71);
    expect((await verifyTree(store, await check())).ok).toBe(true);
  });

  it('lets a second process sequence between another one\'s read and its commit without giving an entry two leaves', async () => {
    // Two handles on one database, as two `zcd serve` on one SQLite file or two PostgreSQL instances are.
    const otherDb = createDb(database.fresh.target);
    try {
      const other = new AuditTree({ store: new KnexAuditStore(otherDb), issuer: ISSUER, sign: (c) => keys.sign(c, TREE_HEAD_TYP) });
      const before = await leafCount();
      await Promise.all(Array.from({ length: 12 }, (_, i) => tree.append(read(300 + i))));
      let otherRan: number | undefined;
      const outcome = await store.sequence(async (s) => {
        const from = await s.size();
        const sources = await s.unsequenced(100);
        // The other instance runs its whole turn now: on PostgreSQL it finds the advisory lock taken and skips;
        // on SQLite it commits, and this batch, read before that, must not be committed after it.
        otherRan = await other.sequence();
        const known = await s.nodes(rightEdge(from));
        const made = appendLeaves(from, sources.map((src) => leafHash(leafData(src))), (level, index) => known.get(`${level}/${index}`)!);
        await s.commit({ size: from, sources, nodes: made });
        return from + sources.length;
      });
      if (testDatabaseKind === 'pg') {
        expect(otherRan).toBeUndefined();
        expect(outcome).toBe(before + 12);
      } else {
        expect(otherRan).toBe(before + 12);
        expect(outcome).toBeUndefined();
      }
      expect(await leafCount()).toBe(before + 12);
      await tree.sequence(); // the head of the batch that committed, where the other one did not publish it
      expect((await verifyTree(store, await check())).ok).toBe(true);
    } finally {
      await otherDb.destroy();
    }
  });

  it('names a changed entry, a deleted one and a forged head; zcd audit verify exits 1', async () => {
    const victim = (await database.db('data_access_log').where('leaf_index', 7).first('id', 'institution_id')) as { id: number; institution_id: string };
    await database.db('data_access_log').where('id', victim.id).update({ institution_id: '00000000-0000-4000-8000-000000000002' });
    expect((await verifyTree(store, await check())).failure).toEqual({ leafIndex: 7, reason: 'leaf_hash_mismatch' });

    const cli = await runZcd(['audit', 'verify'], { DATABASE_URL: database.fresh.url, ISSUER_URL: ISSUER });
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, failure: { leafIndex: 7, reason: 'leaf_hash_mismatch' } });

    await database.db('data_access_log').where('id', victim.id).update({ institution_id: victim.institution_id });
    expect((await verifyTree(store, await check())).ok).toBe(true);
    const ok = await runZcd(['audit', 'verify'], { DATABASE_URL: database.fresh.url, ISSUER_URL: ISSUER });
    expect(ok.code).toBe(0);

    const head16 = (await tree.head(16))!;
    await database.db('audit_tree_heads').where('tree_size', 16).update({ root_hash: '0'.repeat(64) });
    expect((await verifyTree(store, await check())).failure).toEqual({ treeSize: 16, reason: 'root_mismatch' });
    // The right root with a signature over another head is caught by the signature.
    const head32 = (await tree.head(32))!;
    await database.db('audit_tree_heads').where('tree_size', 16).update({ root_hash: head16.rootHash, signature: head32.signature });
    expect((await verifyTree(store, await check())).failure).toEqual({ treeSize: 16, reason: 'bad_signature' });
    await database.db('audit_tree_heads').where('tree_size', 16).update({ signature: head16.signature });

    const gone = (await database.db('data_access_log').where('leaf_index', 12).first('id')) as { id: number };
    await database.db('data_access_log').where('id', gone.id).delete();
    expect((await verifyTree(store, await check())).failure).toEqual({ leafIndex: 12, reason: 'entry_missing' });
  });
});
