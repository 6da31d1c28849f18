import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, onboard, seedBureau, type TestParty } from '../helpers/auth.js';
import { insertApplication, insertProduct, type ApplicationStory } from '../helpers/financing-rows.js';

let gw: TestGateway;
let root: TestParty;
let hohhot: TestParty;
let xincheng: TestParty;
let bankA: string;
let bankB: string;

const ZERO = {
  applications: 0, applied_amount: 0, approvals: 0, approved_amount: 0, rejections: 0, approval_rate_bp: null,
  disbursements: 0, disbursed_amount: 0, average_hours_to_decision: null, average_hours_to_disbursement: null,
};
const fig = (o: Record<string, unknown> = {}) => ({ ...ZERO, ...o });
const ADDITIVE = ['applications', 'applied_amount', 'approvals', 'approved_amount', 'rejections', 'disbursements', 'disbursed_amount'] as const;
type Row = Record<string, unknown>;
const sum = (rows: Row[]) => Object.fromEntries(ADDITIVE.map((k) => [k, rows.reduce((a, r) => a + (r[k] as number), 0)]));
const additive = (r: Row) => Object.fromEntries(ADDITIVE.map((k) => [k, r[k]]));

beforeAll(async () => {
  const database = await migratedDatabase();
  gw = await startTestGateway({ db: database.db });
  const close = gw.close;
  gw.close = async () => {
    await close();
    await database.fresh.dispose();
  };
  root = await seedBureau(gw, '150000');
  hohhot = await seedBureau(gw, '150100');
  xincheng = await seedBureau(gw, '150102');
  bankA = (await onboard(gw, root, { regions: ['150100', '150200'] })).clientId;
  bankB = (await onboard(gw, root, { regions: ['150000'] })).clientId;
  await gw.db('institutions').where({ client_id: bankA }).update({ name: '甲银行' });
  await gw.db('institutions').where({ client_id: bankB }).update({ name: '乙银行' });
  const A = { institutionId: bankA, productId: await insertProduct(gw.db, { institutionId: bankA, regions: ['150100', '150200'] }) };
  const B = { institutionId: bankB, productId: await insertProduct(gw.db, { institutionId: bankB, regions: ['150000'] }) };
  const stories: ApplicationStory[] = [
    // March 2026 (CST). 新城区 150102: approved after 10 h, funded after 30 h.
    { ...A, region: '150102', requested: 1_000_000, created: '2026-03-02 09:00', approved: { at: '2026-03-02 19:00', amount: 800_000 },
      disbursed: { at: '2026-03-03 15:00', amount: 800_000 } },
    // 回民区 150103: rejected after 5 h.
    { ...B, region: '150103', requested: 300_000, created: '2026-03-10 08:00', rejected: { at: '2026-03-10 13:00', reason: 'contract_risk' } },
    // 呼和浩特市 itself as purchaser: approved after 20 h, funded after 200 h (in April).
    { ...B, region: '150100', requested: 900_000, created: '2026-03-25 10:00', approved: { at: '2026-03-26 06:00', amount: 900_000 },
      disbursed: { at: '2026-04-02 18:00', amount: 900_000 } },
    // 包头 150202: submitted in March, approved in April after 48 h, funded after 60 h.
    { ...A, region: '150202', requested: 700_000, created: '2026-03-31 10:00', approved: { at: '2026-04-02 10:00', amount: 600_000 },
      disbursed: { at: '2026-04-02 22:00', amount: 600_000 } },
    // 包头 150202 in April, still pending.
    { ...B, region: '150202', requested: 400_000, created: '2026-04-20 12:00' },
    // February, outside the period asked for below.
    { ...A, region: '150102', requested: 5_000_000, created: '2026-02-10 10:00', rejected: { at: '2026-02-11 10:00', reason: 'other' } },
  ];
  for (const s of stories) await insertApplication(gw.db, s);
});
afterAll(async () => {
  await gw?.close();
});

const q = (s: string) => `/api/v1/admin/statistics/dashboard?${s}`;

describe('getDashboard', () => {
  it('counts March and April 2026 for the 自治区 by 盟市, per month, per institution and by hours to funds', async () => {
    const res = await callAs(gw, root, 'GET', q('from=2026-03&to=2026-04'));
    expect(res.status).toBe(200);
    expect(res.body.region).toEqual({ code: '150000', name: '内蒙古自治区', level: 'region' });
    expect([res.body.level, res.body.from, res.body.to]).toEqual(['league', '2026-03', '2026-04']);
    // Decisions: 10 h, 5 h, 20 h, 48 h → mean 20.75 → 20.8; disbursements: 30 h, 200 h, 60 h → mean 96.7.
    expect(res.body.total).toEqual(fig({
      applications: 5, applied_amount: 3_300_000, approvals: 3, approved_amount: 2_300_000, rejections: 1, approval_rate_bp: 7500,
      disbursements: 3, disbursed_amount: 2_300_000, average_hours_to_decision: 20.8, average_hours_to_disbursement: 96.7,
    }));
    expect(res.body.by_month).toEqual([
      { month: '2026-03', ...fig({ applications: 4, applied_amount: 2_900_000, approvals: 2, approved_amount: 1_700_000, rejections: 1,
        approval_rate_bp: 6667, disbursements: 1, disbursed_amount: 800_000, average_hours_to_decision: 11.7, average_hours_to_disbursement: 30 }) },
      { month: '2026-04', ...fig({ applications: 1, applied_amount: 400_000, approvals: 1, approved_amount: 600_000, approval_rate_bp: 10000,
        disbursements: 2, disbursed_amount: 1_500_000, average_hours_to_decision: 48, average_hours_to_disbursement: 130 }) },
    ]);
    const regions = res.body.by_region as (Row & { region_code: string })[];
    expect(regions).toHaveLength(12);
    expect(regions.every((r) => r.own_level === false)).toBe(true);
    expect(regions.find((r) => r.region_code === '150100')).toMatchObject({ region_name: '呼和浩特市', applications: 3, approvals: 2, rejections: 1, disbursed_amount: 1_700_000 });
    expect(regions.find((r) => r.region_code === '150200')).toMatchObject({ region_name: '包头市', applications: 2, approvals: 1, disbursed_amount: 600_000 });
    expect(sum(regions)).toEqual(additive(res.body.total));
    expect(sum(res.body.by_month)).toEqual(additive(res.body.total));
    expect(res.body.by_institution.map((r: Row) => [r.institution_id, r.institution_name])).toEqual([[bankA, '甲银行'], [bankB, '乙银行']].sort());
    expect(sum(res.body.by_institution)).toEqual(additive(res.body.total));
    expect(res.body.hours_to_disbursement).toEqual([
      { from_hours: 0, to_hours: 24, count: 0 },
      { from_hours: 24, to_hours: 48, count: 1 },
      { from_hours: 48, to_hours: 72, count: 1 },
      { from_hours: 72, to_hours: 120, count: 0 },
      { from_hours: 120, to_hours: 168, count: 0 },
      { from_hours: 168, to_hours: 336, count: 1 },
      { from_hours: 336, to_hours: null, count: 0 },
    ]);
  });

  it('agrees with getStatistics month by month', async () => {
    const dash = await callAs(gw, root, 'GET', q('from=2026-02&to=2026-04'));
    for (const m of dash.body.by_month as (Row & { month: string })[]) {
      const stats = await callAs(gw, root, 'GET', `/api/v1/admin/statistics?region=150000&month=${m.month}`);
      expect(additive(m), m.month).toEqual(additive(stats.body.total));
    }
  });

  it('groups by 旗县 within a 盟市, the 盟市 itself as an own-level row', async () => {
    const res = await callAs(gw, hohhot, 'GET', q('level=county&from=2026-03&to=2026-03'));
    expect(res.status).toBe(200);
    expect(res.body.region.code).toBe('150100');
    const rows = res.body.by_region as (Row & { region_code: string })[];
    expect(rows.filter((r) => !r.own_level).every((r) => r.region_code.startsWith('1501'))).toBe(true);
    expect(rows.find((r) => r.region_code === '150102')).toMatchObject({ own_level: false, applications: 1, approvals: 1, average_hours_to_decision: 10 });
    expect(rows.find((r) => r.region_code === '150103')).toMatchObject({ own_level: false, applications: 1, rejections: 1, approval_rate_bp: 0 });
    expect(rows.at(-1)).toMatchObject({ region_code: '150100', region_name: '呼和浩特市', own_level: true, applications: 1, approvals: 1 });
    expect(sum(rows)).toEqual(additive(res.body.total));
    // The same subtree grouped by its own level: one row, the whole 盟市.
    const own = await callAs(gw, hohhot, 'GET', q('level=league&from=2026-03&to=2026-03'));
    expect(own.body.by_region).toEqual([{ region_code: '150100', region_name: '呼和浩特市', own_level: false, ...own.body.total }]);
    // The 自治区 by 旗县: the 盟市-level purchaser stays visible as its own row.
    const all = await callAs(gw, root, 'GET', q('level=county&from=2026-03&to=2026-03'));
    expect(all.body.by_region.length).toBeGreaterThan(100);
    expect(sum(all.body.by_region)).toEqual(additive(all.body.total));
  });

  it('defaults to the twelve months up to the current one and the level below', async () => {
    const res = await callAs(gw, xincheng, 'GET', q(''));
    expect(res.status).toBe(200);
    expect(res.body.by_month).toHaveLength(12);
    expect(res.body.level).toBe('county');
    expect(res.body.by_region.map((r: Row) => r.region_code)).toEqual(['150102']);
  });

  it('refuses regions outside the subtree: a 呼和浩特 bureau sees nothing of 包头', async () => {
    for (const [party, region] of [[hohhot, '150200'], [hohhot, '150202'], [hohhot, '150000'], [xincheng, '150100'], [xincheng, '150103']] as const) {
      const res = await callAs(gw, party, 'GET', q(`region=${region}&from=2026-03&to=2026-04`));
      expect(res.status, region).toBe(403);
      expect(res.body.code).toBe('outside_region');
      expect(JSON.stringify(res.body)).not.toContain('包头');
    }
  });

  it('refuses bad periods, levels and regions; needs a token', async () => {
    for (const s of ['from=2026-03', 'to=2026-03', 'from=2026-05&to=2026-04', 'from=2024-01&to=2026-01', 'from=2026-13&to=2026-13', 'level=town', 'x=1']) {
      const res = await callAs(gw, root, 'GET', q(s));
      expect(res.status, s).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const above = await callAs(gw, hohhot, 'GET', q('level=region'));
    expect(above.status).toBe(400);
    expect(above.body.code).toBe('validation_failed');
    const unknown = await callAs(gw, root, 'GET', q('region=159999'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('region_not_found');
    expect((await gw.client.get(q(''))).status).toBe(401);
  });
});
