import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainedAccessLog, nextEntry, verifyChain } from '../../src/features/audit/access-chain.js';
import { KnexAccessChainStore } from '../../src/features/audit/access-chain-knex-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';
import { runZcd } from '../helpers/cli.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnexAccessChainStore;
beforeAll(async () => {
  database = await migratedDatabase();
  store = new KnexAccessChainStore(database.db);
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

describe(`data-access hash chain on ${testDatabaseKind}`, () => {
  it('links every entry to the one before, also under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => new ChainedAccessLog(store).append(read(i))));
    const verdict = await verifyChain(store);
    expect(verdict).toEqual({ ok: true, checked: 20 });
    expect((await new ChainedAccessLog(store).list({ supplierUscc: read(0).supplierUscc }, { limit: 3 })).map((e) => e.id)).toEqual([20, 19, 18]);
  });

  it('keeps the chain unbroken when reads record themselves concurrently (the bank read path)', async () => {
    const entries = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append((head) => nextEntry(head, read(20 + i)))));
    expect(entries.map((e) => e.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 21 + i));
    expect(await verifyChain(store)).toEqual({ ok: true, checked: 40 });
    const head = await database.db('audit_chain_head').where({ id: 1 }).first();
    expect({ id: Number(head.last_id), hash: head.last_hash }).toEqual({ id: 40, hash: entries.find((e) => e.id === 40)!.hash });
  });

  it('names the first tampered entry, and zcd audit verify exits 1 naming it', async () => {
    await database.db('data_access_log').where({ id: 7 }).update({ institution_id: '00000000-0000-4000-8000-000000000002' });
    expect(await verifyChain(store)).toEqual({ ok: false, checked: 6, brokenAt: { id: 7, reason: 'hash_mismatch' } });

    const cli = await runZcd(['audit', 'verify'], { DATABASE_URL: database.fresh.url });
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, brokenAt: { id: 7 } });
  });

  it('catches a deleted entry', async () => {
    await database.db('data_access_log').where({ id: 7 }).update({ institution_id: '00000000-0000-4000-8000-000000000001' });
    expect((await verifyChain(store)).ok).toBe(true);
    await database.db('data_access_log').where({ id: 12 }).delete();
    expect((await verifyChain(store)).brokenAt).toEqual({ id: 13, reason: 'id_gap' });
  });
});
