import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '../../src/db/knex.js';
import type { BureauPrincipal } from '../../src/http/principal.js';
import { KnexSyncStore } from '../../src/features/sync/sync-knex-store.js';
import { QuarantineService, regionPrefix } from '../../src/features/upstream/quarantine-service.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let db: Knex;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
  const rows = [
    { id: 'q1', region_code: '150102', received_at: Date.parse('2026-11-01T00:00:01.000Z') },
    { id: 'q2', region_code: '150100', received_at: Date.parse('2026-11-01T00:00:02.000Z') },
    { id: 'q3', region_code: '150202', received_at: Date.parse('2026-11-01T00:00:03.000Z') },
    { id: 'q4', region_code: null, received_at: Date.parse('2026-11-01T00:00:04.000Z') },
    { id: 'q5', region_code: '150103', received_at: Date.parse('2026-11-01T00:00:04.000Z') },
  ];
  await db('quarantined_records').insert(rows.map((r) => ({ ...r, source: 'procurement_cloud', change_id: `c-${r.id}`, reason: 'bad', raw_payload: '{}' })));
});
afterAll(async () => {
  await dispose?.();
});

const bureau = (regionCode: string): BureauPrincipal => ({ kind: 'bureau', clientId: 'c', bureauId: 'b', regionCode, scopes: ['admin'], role: 'admin' });

describe(`listQuarantinedRecords on ${testDatabaseKind}`, () => {
  const service = () => new QuarantineService(new KnexSyncStore(db));

  it('gives each bureau its subtree, newest first; the 自治区 bureau also the records without a region', async () => {
    expect((await service().list(bureau('150000'), { limit: 10 })).items.map((r) => r.id)).toEqual(['q5', 'q4', 'q3', 'q2', 'q1']);
    expect((await service().list(bureau('150100'), { limit: 10 })).items.map((r) => r.id)).toEqual(['q5', 'q2', 'q1']);
    expect((await service().list(bureau('150102'), { limit: 10 })).items.map((r) => r.id)).toEqual(['q1']);
    expect((await service().list(bureau('150200'), { limit: 10 })).items.map((r) => r.id)).toEqual(['q3']);
    expect(regionPrefix('150000')).toBe('15');
  });

  it('pages by (received_at, id) without losing ties', async () => {
    const first = await service().list(bureau('150000'), { limit: 2 });
    expect(first).toMatchObject({ more: true });
    const last = first.items.at(-1)!;
    const second = await service().list(bureau('150000'), { limit: 10, before: { receivedAt: last.receivedAt, id: last.id } });
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(['q5', 'q4', 'q3', 'q2', 'q1']);
    expect(second.more).toBe(false);
  });
});
