import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, Contract } from '../../adapters/procurement-cloud.js';
import { changeFromWire, changeToWire } from '../../adapters/http/wire.js';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import type { Knex } from '../../src/db/knex.js';
import { KnexSyncStore } from '../../src/features/sync/sync-knex-store.js';
import { createSyncService, knexSyncUnit } from '../../src/features/sync/sync-module.js';
import { FEED_SOURCE, SyncService } from '../../src/features/sync/sync-service.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';
import { FakeCloud, syncedDigest } from '../helpers/cloud.js';

let db: Knex;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
});
afterAll(async () => {
  await dispose?.();
});

const count = async (table: string) => Number(((await db(table).count({ n: '*' }).first()) as { n: number | string }).n);

async function reset(): Promise<void> {
  for (const t of ['events', 'quarantined_records', 'sync_cursors', 'supplier_risk_flags', 'payments', 'acceptances', 'contract_amendments', 'contracts']) {
    await db(t).delete();
  }
}

describe(`sync from the sandbox cloud on ${testDatabaseKind}`, () => {
  it('applies every change once, with an event each, and an unpaid balance that adds up', async () => {
    await reset();
    const sandbox = new SandboxCloud(db);
    await sandbox.seed(300);
    const store = new KnexSyncStore(db);
    const sync = createSyncService(db, { cloud: sandbox, pageSize: 97 });
    const pages: number[] = [];
    const first = await sync.runOnce({ onProgress: (p) => pages.push(p.pages) });
    const feed = await count('sandbox_feed');
    expect(first.applied).toBe(feed);
    expect(first.quarantined).toBe(0);
    expect(pages.length).toBe(Math.ceil(feed / 97));
    expect(await count('events')).toBe(feed);
    expect(await count('contracts')).toBeGreaterThan(250);
    expect(await store.cursor(FEED_SOURCE)).toBe(String(feed));

    const digest = await syncedDigest(db);
    const again = await sync.runOnce();
    expect(again.applied).toBe(0);
    expect((await syncedDigest(db)).digest).toBe(digest.digest);

    // Unpaid balance = amount − payments, on every contract.
    const paid = (await db('payments').select('contract_no').sum({ s: 'amount_fen' }).groupBy('contract_no')) as { contract_no: string; s: number | string }[];
    const some = paid.slice(0, 20);
    for (const p of some) {
      const contract = (await store.getContract(p.contract_no))!;
      expect(await store.unpaidBalance(p.contract_no)).toBe(contract.amountFen - Number(p.s));
    }
    const completed = (await db('contracts').where({ status: 'completed' }).pluck('contract_no')) as string[];
    expect(completed.length).toBeGreaterThan(0);
    for (const no of completed.slice(0, 20)) expect(await store.unpaidBalance(no)).toBe(0);
    expect(await store.unpaidBalance('NO-SUCH')).toBeUndefined();
  });

  it('brings in what the advancing sandbox clock publishes, and keeps amendment history', async () => {
    const sandbox = new SandboxCloud(db);
    const sync = createSyncService(db, { cloud: sandbox, pageSize: 500 });
    await sync.runOnce();
    const before = await count('payments');
    const { published } = await sandbox.advanceClock(120 * 86_400_000);
    expect(published).toBeGreaterThan(0);
    const r = await sync.runOnce();
    expect(r.applied).toBe(published);
    expect(await count('payments')).toBeGreaterThan(before);
    const amendment = (await db('contract_amendments').where({ kind: 'contract.amended' }).first()) as { changes: string; version: number } | undefined;
    expect(amendment).toBeDefined();
    expect(Object.keys(JSON.parse(amendment!.changes))).toEqual(['amountFen']);
    expect(amendment!.version).toBe(2);
  });
});

function contract(no: string, amountFen = 10_000_000): Contract {
  return { ...generateContract(0).contract, contractNo: no, amountFen };
}

describe(`malformed and unknown records on ${testDatabaseKind}`, () => {
  it('quarantines a malformed record in the middle of a page and applies the rest of it', async () => {
    await reset();
    const cloud = new FakeCloud();
    const created: Change = { changeId: 'c1', occurredAt: '2026-01-01T00:00:00.000Z', type: 'contract.created', contract: contract('T-1') };
    const bad = { ...changeToWire({ ...created, changeId: 'c2', contract: contract('T-2') }) } as Record<string, unknown>;
    (bad.data as Record<string, unknown>).amountFen = 12.5;
    const paid: Change = { changeId: 'c3', occurredAt: '2026-02-01T00:00:00.000Z', type: 'payment.made', payment: { paymentId: 'P-1', contractNo: 'T-1', amountFen: 4_000_000, paidAt: '2026-02-01T00:00:00.000Z' } };
    const orphan: Change = { ...paid, changeId: 'c4', payment: { ...paid.payment, paymentId: 'P-2', contractNo: 'T-404' } };
    cloud.entries = [created, bad, paid, orphan].map((c) => ('type' in c ? changeFromWire(changeToWire(c as Change)) : changeFromWire(c)));
    const store = new KnexSyncStore(db);
    const r = await createSyncService(db, { cloud, pageSize: 10 }).runOnce();
    expect(r).toMatchObject({ applied: 2, quarantined: 2, pages: 1 });
    expect(await store.unpaidBalance('T-1')).toBe(6_000_000);
    expect(await store.getContract('T-2')).toBeUndefined();
    const q = await store.listQuarantined({ limit: 10, regionPrefix: '15', includeUnknownRegion: true });
    expect(q.map((x) => x.changeId).sort()).toEqual(['c2', 'c4']);
    const malformed = q.find((x) => x.changeId === 'c2')!;
    expect(malformed.reason).toMatch(/amountFen/);
    expect(JSON.parse(malformed.rawPayload)).toMatchObject({ id: 'c2', kind: 'CONTRACT_CREATED' });
    expect(malformed.regionCode).toBe(contract('T-2').purchaser.regionCode);
    expect(q.find((x) => x.changeId === 'c4')!.reason).toMatch(/^unknown_contract/);
    expect(await count('events')).toBe(2);

    // A re-delivered page changes nothing, quarantine included.
    await db('sync_cursors').delete();
    const again = await createSyncService(db, { cloud, pageSize: 10 }).runOnce();
    expect(again).toMatchObject({ applied: 0, skipped: 2 });
    expect(await count('quarantined_records')).toBe(2);
  });

  it('applies a page that records the same acceptance twice, the later record winning (PostgreSQL refused it before)', async () => {
    await reset();
    const cloud = new FakeCloud();
    const created: Change = { changeId: 'a0', occurredAt: '2026-01-01T00:00:00.000Z', type: 'contract.created', contract: contract('A-1') };
    const accepted = (changeId: string, result: 'passed' | 'failed'): Change => ({
      changeId,
      occurredAt: '2026-03-01T00:00:00.000Z',
      type: 'acceptance.recorded',
      acceptance: { acceptanceId: 'YS-A-1', contractNo: 'A-1', acceptedAt: '2026-03-01T00:00:00.000Z', result },
    });
    cloud.entries = [created, accepted('a1', 'failed'), accepted('a2', 'passed')].map((c) => ({ ok: true as const, change: c }));
    const r = await createSyncService(db, { cloud, pageSize: 10 }).runOnce();
    expect(r).toMatchObject({ applied: 3, quarantined: 0 });
    expect(await db('acceptances').where({ contract_no: 'A-1' }).select('acceptance_id', 'result')).toEqual([{ acceptance_id: 'YS-A-1', result: 'passed' }]);
  });

  it('rolls a page back whole when writing it fails', async () => {
    await reset();
    const cloud = new FakeCloud();
    const c1: Change = { changeId: 'x1', occurredAt: '2026-01-01T00:00:00.000Z', type: 'contract.created', contract: contract('R-1') };
    cloud.entries = [{ ok: true, change: c1 }];
    // The page's stores as the gateway binds them, but moving the cursor fails after the rows are written.
    const { store, transactional } = knexSyncUnit(db);
    const failing = new SyncService({
      store,
      cloud,
      pageSize: 10,
      transactional: (work) =>
        transactional((unit) => {
          const failingStore = Object.create(unit.store) as typeof unit.store;
          failingStore.setCursor = async () => {
            throw new Error('disk full');
          };
          return work({ ...unit, store: failingStore });
        }),
    });
    await expect(failing.runOnce()).rejects.toThrow('disk full');
    expect(await count('contracts')).toBe(0);
    expect(await count('events')).toBe(0);
    await createSyncService(db, { cloud, pageSize: 10 }).runOnce();
    expect(await count('contracts')).toBe(1);
  });
});
