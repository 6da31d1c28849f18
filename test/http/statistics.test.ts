import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { MONTHLY_REPORT_COLUMNS } from '../../src/features/statistics/monthly-report-csv.js';
import { MONTHLY_REPORT_HEADERS_ZH, XLSX_TYPE } from '../../src/features/statistics/monthly-report-xlsx.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, dpopHeaders, getToken, onboard, seedBureau, type TestParty } from '../helpers/auth.js';
import { runZcd } from '../helpers/cli.js';
import { specViolation } from '../helpers/spec.js';
import { cst, insertApplication, insertProduct, plusHours, type ApplicationStory } from '../helpers/financing-rows.js';

let gw: TestGateway;
let dbUrl: string;
let root: TestParty;
let hohhot: TestParty;
let xincheng: TestParty;
let bankA: string;
let bankB: string;
const suppliers: { uscc: string; name: string; contractNo: string }[] = [];
const products: Record<string, string> = {};

const NAME_A = '测试银行,呼和浩特"分行"';
const NAME_B = '包商测试银行';

/** Figures with zeros where a test names nothing. */
const fig = (o: Record<string, unknown> = {}) => ({
  applications: 0,
  sme_applications: 0,
  sme_share_bp: null,
  applied_amount: 0,
  approvals: 0,
  approved_amount: 0,
  rejections: 0,
  rejections_by_reason: {},
  approval_rate_bp: null,
  disbursements: 0,
  disbursed_amount: 0,
  repaid_amount: 0,
  outstanding_amount: 0,
  hours_to_decision: { count: 0, median: null, p90: null },
  hours_to_disbursement: { count: 0, median: null, p90: null },
  deadline_breaches: 0,
  ...o,
});
const hours = (count: number, median: number | null, p90: number | null) => ({ count, median, p90 });

const ADDITIVE = [
  'applications', 'sme_applications', 'applied_amount', 'approvals', 'approved_amount', 'rejections',
  'disbursements', 'disbursed_amount', 'repaid_amount', 'outstanding_amount', 'deadline_breaches',
] as const;
type Row = Record<string, unknown> & { rejections_by_reason: Record<string, number> };
function sum(rows: Row[]) {
  const out: Record<string, unknown> = {};
  for (const k of ADDITIVE) out[k] = rows.reduce((a, r) => a + (r[k] as number), 0);
  const reasons: Record<string, number> = {};
  for (const r of rows) for (const [c, n] of Object.entries(r.rejections_by_reason)) reasons[c] = (reasons[c] ?? 0) + n;
  out.rejections_by_reason = reasons;
  return out;
}
const additive = (r: Row) => ({ ...Object.fromEntries(ADDITIVE.map((k) => [k, r[k]])), rejections_by_reason: r.rejections_by_reason });

beforeAll(async () => {
  const database = await migratedDatabase();
  dbUrl = database.fresh.url;
  gw = await startTestGateway({ db: database.db, config: { publicRateLimitPerMinute: 10_000 } });
  const dispose = database.fresh.dispose;
  const close = gw.close;
  gw.close = async () => {
    await close();
    await dispose();
  };
  root = await seedBureau(gw, '150000');
  hohhot = await seedBureau(gw, '150100');
  xincheng = await seedBureau(gw, '150102');
  bankA = (await onboard(gw, root, { regions: ['150100', '150200'] })).clientId;
  bankB = (await onboard(gw, root, { regions: ['150000'] })).clientId;
  const pending = (await onboard(gw, root, { regions: ['150100'], activate: false })).clientId;
  await gw.db('institutions').where({ client_id: bankA }).update({ name: NAME_A, contact_name: '联系人甲', contact_phone: '13800000000' });
  await gw.db('institutions').where({ client_id: bankB }).update({ name: NAME_B });
  await gw.db('institutions').where({ client_id: pending }).update({ name: '未准入银行' });

  products.a = await insertProduct(gw.db, { institutionId: bankA, regions: ['150100'], categories: ['goods', 'services'], name: '政采贷A' });
  products.aPending = await insertProduct(gw.db, { institutionId: bankA, regions: ['150200'], status: 'pending', name: '待审A' });
  products.b = await insertProduct(gw.db, { institutionId: bankB, regions: ['150000'], categories: ['works'], name: '政采贷B' });
  products.pending = await insertProduct(gw.db, { institutionId: pending, regions: ['150100'], name: '未准入产品' });

  const A = { institutionId: bankA, productId: products.a };
  const B = { institutionId: bankB, productId: products.b };
  const stories: ApplicationStory[] = [
    // a1..a11 of March 2026 (CST); the expected figures below are worked out from these by hand.
    { ...A, region: '150102', requested: 1_000_000, created: '2026-03-02 09:00', approved: { at: '2026-03-02 21:00', amount: 800_000 },
      disbursed: { at: '2026-03-04 09:00', amount: 800_000 }, repaid: [{ at: '2026-03-20 10:00', amount: 300_000 }] },
    { ...B, region: '150102', sme: false, requested: 2_000_000, created: '2026-03-03 10:00', rejected: { at: '2026-03-04 10:00', reason: 'credit_insufficient' } },
    { ...A, region: '150103', requested: 500_000, created: '2026-03-05 08:00', approved: { at: '2026-03-05 14:00', amount: 500_000 },
      disbursed: { at: '2026-03-06 08:00', amount: 500_000 } },
    { ...B, region: '150103', requested: 300_000, created: '2026-03-10 08:00', rejected: { at: '2026-03-13 08:00', reason: 'contract_risk' } },
    { ...A, region: '150202', requested: 700_000, created: '2026-03-11 00:00', approved: { at: '2026-03-12 12:00', amount: 600_000 }, cancelled: '2026-03-15 09:00' },
    { ...B, region: '150202', sme: false, requested: 400_000, created: '2026-03-20 12:00' },
    { ...B, region: '150100', requested: 900_000, created: '2026-03-25 10:00', approved: { at: '2026-03-26 04:00', amount: 900_000 },
      disbursed: { at: '2026-03-27 10:00', amount: 900_000 } },
    // Submitted in February, decided and funded in March: counts in March's decisions and money, not its applications.
    { ...A, region: '150202', requested: 1_000_000, created: '2026-02-25 10:00', approved: { at: '2026-03-01 10:00', amount: 1_000_000 },
      disbursed: { at: '2026-03-02 10:00', amount: 1_000_000 }, repaid: [{ at: '2026-03-31 23:00', amount: 100_000 }] },
    // Submitted on March's last evening, decided in April (00:30 CST on 1 April is already April).
    { ...B, region: '150202', requested: 600_000, created: '2026-03-31 20:00', rejected: { at: '2026-04-01 00:30', reason: 'other' } },
    // A January loan still outstanding at the end of March.
    { ...A, region: '150102', requested: 500_000, created: '2026-01-05 09:00', approved: { at: '2026-01-05 10:00', amount: 500_000 },
      disbursed: { at: '2026-01-06 10:00', amount: 500_000 }, repaid: [{ at: '2026-01-30 10:00', amount: 100_000 }] },
    { ...A, region: '150103', sme: false, requested: 250_000, created: '2026-03-15 09:00', rejected: { at: '2026-03-15 11:03', reason: 'credit_insufficient' } },
  ];
  // May 2026: six applications in 包头, enough to be published; hours to funds 10, 20, … 60.
  for (let i = 1; i <= 6; i++) {
    const created = `2026-05-0${i} 08:00`;
    stories.push({ ...A, region: '150202', sme: i % 2 === 0, requested: 100_000, created,
      approved: { at: `2026-05-0${i} 09:00`, amount: 100_000 }, disbursed: { at: plusHours(created, i * 10), amount: 100_000 } });
  }
  for (const s of stories) {
    const a = await insertApplication(gw.db, s);
    suppliers.push({ uscc: a.uscc, name: a.name, contractNo: a.contractNo });
  }
  // Policy deadlines missed: two by bank B in 包头 and one by bank A in 新城区 in March, one more in April.
  const appIn = async (region: string, bank: string) =>
    ((await gw.db('applications').where({ purchaser_region_code: region, institution_id: bank }).orderBy('id').first('id')) as { id: string }).id;
  const breach = async (region: string, bank: string, deadline: string, at: string) =>
    gw.db('deadline_breaches').insert({
      application_id: await appIn(region, bank), deadline, institution_id: bank, region_code: region, working_days: 2, due_at: cst(at) - 3_600_000, recorded_at: cst(at),
    });
  await breach('150202', bankB, 'decide', '2026-03-21 09:00');
  await breach('150202', bankB, 'disburse', '2026-03-31 23:30');
  await breach('150102', bankA, 'decide', '2026-03-10 09:00');
  await breach('150102', bankA, 'disburse', '2026-04-01 00:10');
});
afterAll(async () => {
  await gw?.close();
});

const MARCH_TOTAL = fig({
  applications: 9, sme_applications: 6, sme_share_bp: 6667, applied_amount: 6_650_000,
  approvals: 5, approved_amount: 3_800_000, rejections: 3, rejections_by_reason: { contract_risk: 1, credit_insufficient: 2 },
  approval_rate_bp: 6250, disbursements: 4, disbursed_amount: 3_200_000, repaid_amount: 400_000, outstanding_amount: 3_200_000,
  hours_to_decision: hours(8, 18, 96), hours_to_disbursement: hours(4, 48, 120), deadline_breaches: 3,
});
const HOHHOT = fig({
  applications: 6, sme_applications: 4, sme_share_bp: 6667, applied_amount: 4_950_000,
  approvals: 3, approved_amount: 2_200_000, rejections: 3, rejections_by_reason: { contract_risk: 1, credit_insufficient: 2 },
  approval_rate_bp: 5000, disbursements: 3, disbursed_amount: 2_200_000, repaid_amount: 300_000, outstanding_amount: 2_300_000,
  hours_to_decision: hours(6, 12, 72), hours_to_disbursement: hours(3, 48, 48), deadline_breaches: 1,
});
const BAOTOU = fig({
  applications: 3, sme_applications: 2, sme_share_bp: 6667, applied_amount: 1_700_000,
  approvals: 2, approved_amount: 1_600_000, approval_rate_bp: 10000, disbursements: 1, disbursed_amount: 1_000_000,
  repaid_amount: 100_000, outstanding_amount: 900_000, hours_to_decision: hours(2, 36, 96), hours_to_disbursement: hours(1, 120, 120),
  deadline_breaches: 2,
});
const XINCHENG = fig({
  applications: 2, sme_applications: 1, sme_share_bp: 5000, applied_amount: 3_000_000,
  approvals: 1, approved_amount: 800_000, rejections: 1, rejections_by_reason: { credit_insufficient: 1 }, approval_rate_bp: 5000,
  disbursements: 1, disbursed_amount: 800_000, repaid_amount: 300_000, outstanding_amount: 900_000,
  hours_to_decision: hours(2, 12, 24), hours_to_disbursement: hours(1, 48, 48), deadline_breaches: 1,
});
const HUIMIN = fig({
  applications: 3, sme_applications: 2, sme_share_bp: 6667, applied_amount: 1_050_000,
  approvals: 1, approved_amount: 500_000, rejections: 2, rejections_by_reason: { contract_risk: 1, credit_insufficient: 1 },
  approval_rate_bp: 3333, disbursements: 1, disbursed_amount: 500_000, outstanding_amount: 500_000,
  hours_to_decision: hours(3, 6, 72), hours_to_disbursement: hours(1, 24, 24),
});
const HOHHOT_OWN = fig({
  applications: 1, sme_applications: 1, sme_share_bp: 10000, applied_amount: 900_000, approvals: 1, approved_amount: 900_000,
  approval_rate_bp: 10000, disbursements: 1, disbursed_amount: 900_000, outstanding_amount: 900_000,
  hours_to_decision: hours(1, 18, 18), hours_to_disbursement: hours(1, 48, 48),
});
const BANK_A = fig({
  applications: 4, sme_applications: 3, sme_share_bp: 7500, applied_amount: 2_450_000,
  approvals: 4, approved_amount: 2_900_000, rejections: 1, rejections_by_reason: { credit_insufficient: 1 }, approval_rate_bp: 8000,
  disbursements: 3, disbursed_amount: 2_300_000, repaid_amount: 400_000, outstanding_amount: 2_300_000,
  hours_to_decision: hours(5, 12, 96), hours_to_disbursement: hours(3, 48, 120), deadline_breaches: 1,
});
const BANK_B = fig({
  applications: 5, sme_applications: 3, sme_share_bp: 6000, applied_amount: 4_200_000,
  approvals: 1, approved_amount: 900_000, rejections: 2, rejections_by_reason: { contract_risk: 1, credit_insufficient: 1 },
  approval_rate_bp: 3333, disbursements: 1, disbursed_amount: 900_000, outstanding_amount: 900_000,
  hours_to_decision: hours(3, 24, 72), hours_to_disbursement: hours(1, 48, 48), deadline_breaches: 2,
});

describe('getStatistics', () => {
  it('counts every figure of March 2026 for the 自治区, per 盟市 and per institution', async () => {
    const res = await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=150000&month=2026-03');
    expect(res.status).toBe(200);
    expect(res.body.region).toEqual({ code: '150000', name: '内蒙古自治区', level: 'region' });
    expect(res.body.period).toEqual({ from: '2026-03-01', to: '2026-03-31', start: '2026-02-28T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z' });
    expect(res.body.total).toEqual(MARCH_TOTAL);
    const rows = res.body.by_region as (Row & { region_code: string })[];
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => !r.own_level)).toBe(true);
    expect(rows.find((r) => r.region_code === '150100')).toEqual({ region_code: '150100', region_name: '呼和浩特市', own_level: false, ...HOHHOT });
    expect(rows.find((r) => r.region_code === '150200')).toEqual({ region_code: '150200', region_name: '包头市', own_level: false, ...BAOTOU });
    for (const r of rows.filter((r) => !['150100', '150200'].includes(r.region_code))) expect(additive(r)).toEqual(additive(fig() as Row));
    const inst = res.body.by_institution as (Row & { institution_id: string })[];
    expect(inst.map((i) => i.institution_id)).toEqual([bankA, bankB].sort());
    expect(inst.find((i) => i.institution_id === bankA)).toEqual({ institution_id: bankA, institution_name: NAME_A, ...BANK_A });
    expect(inst.find((i) => i.institution_id === bankB)).toEqual({ institution_id: bankB, institution_name: NAME_B, ...BANK_B });
  });

  it('rolls up exactly: 盟市 = Σ 旗县 (and its own level), 自治区 = Σ 盟市 = Σ institutions', async () => {
    const region = (await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=150000&month=2026-03')).body;
    expect(sum(region.by_region)).toEqual(additive(region.total));
    expect(sum(region.by_institution)).toEqual(additive(region.total));
    for (const code of ['150100', '150200']) {
      const league = (await callAs(gw, root, 'GET', `/api/v1/admin/statistics?region=${code}&month=2026-03`)).body;
      expect(sum(league.by_region)).toEqual(additive(league.total));
      expect(sum(league.by_institution)).toEqual(additive(league.total));
      expect(additive(league.total)).toEqual(additive(region.by_region.find((r: { region_code: string }) => r.region_code === code)));
    }
    const hohhotStats = (await callAs(gw, hohhot, 'GET', '/api/v1/admin/statistics?month=2026-03')).body;
    expect(hohhotStats.region.code).toBe('150100');
    expect(hohhotStats.total).toEqual(HOHHOT);
    const rows = hohhotStats.by_region as (Row & { region_code: string; own_level: boolean })[];
    expect(rows.find((r) => r.region_code === '150102')).toMatchObject({ own_level: false, ...XINCHENG });
    expect(rows.find((r) => r.region_code === '150103')).toMatchObject({ own_level: false, ...HUIMIN });
    expect(rows.at(-1)).toEqual({ region_code: '150100', region_name: '呼和浩特市', own_level: true, ...HOHHOT_OWN });
    const county = (await callAs(gw, xincheng, 'GET', '/api/v1/admin/statistics?month=2026-03')).body;
    expect(county.total).toEqual(XINCHENG);
    expect(county.by_region).toEqual([{ region_code: '150102', region_name: '新城区', own_level: true, ...XINCHENG }]);
  });

  it('takes a from–to period in days; decisions in April fall outside March', async () => {
    const quarter = await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=150200&from=2026-03-01&to=2026-04-30');
    expect(quarter.status).toBe(200);
    expect(quarter.body.total.rejections_by_reason).toEqual({ other: 1 });
    expect(quarter.body.total.applications).toBe(3);
    const day = await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=150000&from=2026-03-31&to=2026-03-31');
    expect(day.body.total).toMatchObject({ applications: 1, repaid_amount: 100_000, approvals: 0 });
  });

  it('is 403 for a 旗县 bureau asking for its 盟市, and for a 盟市 bureau asking for another', async () => {
    for (const [party, region] of [[xincheng, '150100'], [xincheng, '150000'], [xincheng, '150103'], [hohhot, '150200'], [hohhot, '150202']] as const) {
      const res = await callAs(gw, party, 'GET', `/api/v1/admin/statistics?region=${region}&month=2026-03`);
      expect(res.status, region).toBe(403);
      expect(res.body.code).toBe('outside_region');
    }
    const report = await callAs(gw, xincheng, 'GET', '/api/v1/admin/reports/monthly?region=150100&month=2026-03');
    expect(report.status).toBe(403);
  });

  it('refuses bad periods and unknown regions; needs a token', async () => {
    for (const q of ['month=2026-13', 'month=2026-03&from=2026-03-01&to=2026-03-02', 'from=2026-03-01', 'from=2026-03-02&to=2026-03-01', 'from=2025-01-01&to=2026-03-01', 'x=1']) {
      const res = await callAs(gw, root, 'GET', `/api/v1/admin/statistics?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const unknown = await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=159999&month=2026-03');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('region_not_found');
    expect((await gw.client.get('/api/v1/admin/statistics?month=2026-03')).status).toBe(401);
  });
});

const CSV_HEADER =
  'rank,institution_id,institution_name,applications,sme_applications,sme_share_bp,applied_amount_fen,approvals,approved_amount_fen,' +
  'rejections,rejections_by_reason,approval_rate_bp,disbursements,disbursed_amount_fen,repaid_amount_fen,outstanding_amount_fen,' +
  'decisions_timed,median_hours_to_decision,p90_hours_to_decision,disbursements_timed,median_hours_to_disbursement,p90_hours_to_disbursement,deadline_breaches';
const expectedCsv = () =>
  '\uFEFF' +
  [
    CSV_HEADER,
    `1,${bankB},${NAME_B},5,3,6000,4200000,1,900000,2,contract_risk=1;credit_insufficient=1,3333,1,900000,0,900000,3,24.0,72.0,1,48.0,48.0,2`,
    `2,${bankA},"测试银行,呼和浩特""分行""",4,3,7500,2450000,4,2900000,1,credit_insufficient=1,8000,3,2300000,400000,2300000,5,12.0,96.0,3,48.0,120.0,1`,
    ',,合计,9,6,6667,6650000,5,3800000,3,contract_risk=1;credit_insufficient=2,6250,4,3200000,400000,3200000,8,18.0,96.0,4,48.0,120.0,3',
  ]
    .map((l) => l + '\r\n')
    .join('');

describe('getMonthlyReport', () => {
  it('ranks institutions slowest to decide first, in JSON', async () => {
    const res = await callAs(gw, root, 'GET', '/api/v1/admin/reports/monthly?region=150000&month=2026-03');
    expect(res.status).toBe(200);
    expect(res.body.month).toBe('2026-03');
    expect(res.body.institutions.map((i: { rank: number; institution_id: string }) => [i.rank, i.institution_id])).toEqual([[1, bankB], [2, bankA]]);
    expect(res.body.institutions[0]).toEqual({ rank: 1, institution_id: bankB, institution_name: NAME_B, ...BANK_B });
    expect(res.body.total).toEqual(MARCH_TOTAL);
  });

  it('answers Accept: text/csv with the report as CSV, byte for byte', async () => {
    const path = '/api/v1/admin/reports/monthly?region=150000&month=2026-03';
    const token = await getToken(gw, root);
    // fetch's text() drops a byte-order mark, so read the bytes themselves.
    const res = await fetch(gw.issuer + path, { headers: { ...(await dpopHeaders(gw, root, token, 'GET', path.split('?')[0]!)), accept: 'text/csv' } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(specViolation('GET', path, res.status, res.headers.get('content-type'), bytes.toString('utf8'))).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="zcd-monthly-150000-2026-03.csv"');
    expect(res.headers.get('vary')).toMatch(/Accept/);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8')).toBe(expectedCsv());
    expect(bytes.equals(Buffer.from(expectedCsv(), 'utf8'))).toBe(true);
  });

  it('answers the XLSX type with a workbook exceljs reads back, its totals those of the JSON report, getStatistics and the dashboard', async () => {
    const path = '/api/v1/admin/reports/monthly?region=150000&month=2026-03';
    const token = await getToken(gw, root);
    const res = await fetch(gw.issuer + path, { headers: { ...(await dpopHeaders(gw, root, token, 'GET', path.split('?')[0]!)), accept: XLSX_TYPE } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="zcd-monthly-150000-2026-03.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('月度报告')!;
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('2026-03');
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(header).toEqual([...MONTHLY_REPORT_HEADERS_ZH]);
    // The sheet has a Chinese header for each CSV column, and a value under each in every row.
    expect(header).toHaveLength(MONTHLY_REPORT_COLUMNS.length);
    expect((sheet.getRow(sheet.rowCount).values as unknown[]).length - 1).toBe(MONTHLY_REPORT_COLUMNS.length);
    const rows = [];
    for (let r = 3; r <= sheet.rowCount; r++) rows.push(Object.fromEntries(header.map((h, k) => [h, sheet.getRow(r).getCell(k + 1).value ?? null])));
    const json = (await callAs(gw, root, 'GET', path)).body;
    const stats = (await callAs(gw, root, 'GET', '/api/v1/admin/statistics?region=150000&month=2026-03')).body;
    const dashboard = (await callAs(gw, root, 'GET', '/api/v1/admin/statistics/dashboard?region=150000&from=2026-03&to=2026-03')).body;
    expect(rows.map((r) => r['机构编号'])).toEqual([...json.institutions.map((i: { institution_id: string }) => i.institution_id), null]);
    const total = rows.at(-1)!;
    expect(total['机构名称']).toBe('合计');
    const pairs = [
      ['申请笔数', 'applications'], ['申请金额（分）', 'applied_amount'], ['批准笔数', 'approvals'], ['批准金额（分）', 'approved_amount'],
      ['拒绝笔数', 'rejections'], ['放款笔数', 'disbursements'], ['放款金额（分）', 'disbursed_amount'], ['还款金额（分）', 'repaid_amount'], ['贷款余额（分）', 'outstanding_amount'],
    ] as const;
    expect(pairs.filter(([, key]) => key in dashboard.total).map(([zh]) => zh)).toEqual(['申请笔数', '申请金额（分）', '批准笔数', '批准金额（分）', '拒绝笔数', '放款笔数', '放款金额（分）']);
    for (const [zh, key] of pairs) {
      expect(total[zh], zh).toBe(json.total[key]);
      expect(total[zh], zh).toBe(stats.total[key]);
      // The console's dashboard shows the same month's flows (its figures have no balances: repaid, outstanding).
      if (key in dashboard.total) expect(total[zh], `${zh} on the dashboard`).toBe(dashboard.total[key]);
      expect(rows.slice(0, -1).reduce((a, r) => a + (r[zh] as number), 0), zh).toBe(json.total[key]);
    }
    // An institution's name is text in the sheet, never a formula.
    expect(rows.map((r) => r['机构名称'])).toContain(NAME_A);
  });

  it('is 406 for an Accept it cannot meet', async () => {
    const res = await csvAs(root, '/api/v1/admin/reports/monthly?region=150000&month=2026-03', 'application/pdf');
    expect(res.status).toBe(406);
    expect(res.body.code).toBe('not_acceptable');
  });

  it('zcd report monthly writes the same CSV to a file, and JSON on request', async () => {
    const out = join(process.env.TMPDIR ?? '/tmp', `zcd-report-${process.pid}.csv`);
    const run = await runZcd(['report', 'monthly', '--region', '150000', '--month', '2026-03', '--out', out], { DATABASE_URL: dbUrl });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(out)).toEqual(Buffer.from(expectedCsv(), 'utf8'));
    const json = await runZcd(['report', 'monthly', '--region', '150100', '--month', '2026-03', '--format', 'json'], { DATABASE_URL: dbUrl });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).total).toEqual(HOHHOT);
  });
});

async function csvAs(party: TestParty, path: string, accept = 'text/csv') {
  const token = await getToken(gw, party);
  const headers = { ...(await dpopHeaders(gw, party, token, 'GET', path.split('?')[0]!)), accept };
  return gw.client.get(path, { headers });
}

describe('public information release', () => {
  it('listPublicInstitutions: active institutions, coverage and approved products; no contacts, keys or secrets', async () => {
    const res = await gw.client.get('/api/v1/public/institutions');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([bankA, bankB].sort());
    const a = res.body.items.find((i: { id: string }) => i.id === bankA);
    expect(a).toMatchObject({ name: NAME_A, type: 'bank', coverage: ['150100', '150200'] });
    expect(a.products.map((p: { id: string }) => p.id)).toEqual([products.a]);
    for (const secret of ['whsec_', '联系人甲', '13800000000', 'contact', 'jwk', 'uscc', 'license', 'webhook', '未准入']) {
      expect(res.text, secret).not.toContain(secret);
    }
    const inBaotou = await gw.client.get('/api/v1/public/institutions?region=150202');
    expect(inBaotou.body.items.map((i: { id: string }) => i.id)).toEqual([bankA, bankB].sort());
    const paged = await gw.client.get('/api/v1/public/institutions?page_size=1');
    expect(paged.body.items).toHaveLength(1);
    const rest = await gw.client.get(`/api/v1/public/institutions?page_size=1&page_token=${paged.body.next_page_token}`);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.next_page_token).toBeUndefined();
  });

  it('listPublicProducts: approved products of active institutions; a product serving an ancestor serves the region', async () => {
    const ids = async (q: string) => (await gw.client.get(`/api/v1/public/products${q}`)).body.items.map((p: { id: string }) => p.id).sort();
    expect(await ids('')).toEqual([products.a, products.b].sort());
    expect(await ids('?region=150102')).toEqual([products.a, products.b].sort());
    expect(await ids('?region=150202')).toEqual([products.b]);
    expect(await ids('?category=works')).toEqual([products.b]);
    expect(await ids('?category=goods&region=150202')).toEqual([]);
    expect(await ids('?region=159999')).toEqual([]);
    const bad = await gw.client.get('/api/v1/public/products?category=loans');
    expect(bad.status).toBe(400);
  });

  it('getPublicStatistics: by 盟市 and month, small cells withheld, no supplier, contract or institution', async () => {
    const res = await gw.client.get('/api/v1/public/statistics?from=2026-03&to=2026-05');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-03', to: '2026-05', min_cell: 5 });
    expect(res.body.items).toHaveLength(3 * 12);
    const cell = (league: string, month: string) =>
      res.body.items.find((r: { league_code: string; month: string }) => r.league_code === league && r.month === month);
    expect(cell('150100', '2026-03')).toEqual({
      league_code: '150100', league_name: '呼和浩特市', month: '2026-03', applications: 6, sme_share_bp: 6667, applied_amount: 4_950_000,
      approvals: null, approved_amount: null, disbursements: null, disbursed_amount: null, median_hours_to_funds: null,
      suppressed: ['approvals', 'disbursements'],
    });
    expect(cell('150200', '2026-03')).toMatchObject({ applications: null, suppressed: ['applications', 'approvals', 'disbursements'] });
    expect(cell('150200', '2026-05')).toEqual({
      league_code: '150200', league_name: '包头市', month: '2026-05', applications: 6, sme_share_bp: 5000, applied_amount: 600_000,
      approvals: 6, approved_amount: 600_000, disbursements: 6, disbursed_amount: 600_000, median_hours_to_funds: 30, suppressed: [],
    });
    for (const s of suppliers) {
      for (const value of [s.uscc, s.name, s.contractNo]) expect(res.text).not.toContain(value);
    }
    for (const value of [NAME_B, bankA, bankB, 'uscc', 'supplier', 'contract', 'institution']) expect(res.text).not.toContain(value);
  });

  it('getPublicStatistics publishes only complete months, at most 24', async () => {
    const now = new Date();
    const current = `${now.getUTCFullYear() + 1}-01`;
    expect((await gw.client.get(`/api/v1/public/statistics?to=${current}`)).status).toBe(400);
    expect((await gw.client.get('/api/v1/public/statistics?from=2023-01&to=2026-01')).status).toBe(400);
    expect((await gw.client.get('/api/v1/public/statistics?from=2026-05&to=2026-03')).status).toBe(400);
    const one = await gw.client.get('/api/v1/public/statistics?from=2026-05&to=2026-05&league=150200');
    expect(one.body.items).toHaveLength(1);
  });

  it('answers with an ETag and Cache-Control, and 304 to a matching If-None-Match', async () => {
    for (const path of ['/api/v1/public/institutions', '/api/v1/public/products?region=150102', '/api/v1/public/statistics?from=2026-03&to=2026-05']) {
      const first = await gw.client.get(path);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=300');
      const again = await gw.client.get(path, { headers: { 'if-none-match': `W/"other", ${etag}` } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      const stale = await gw.client.get(path, { headers: { 'if-none-match': '"stale"' } });
      expect(stale.status).toBe(200);
    }
    const before = (await gw.client.get('/api/v1/public/products')).headers.get('etag');
    await gw.db('products').where({ id: products.aPending }).update({ status: 'approved' });
    const after = await gw.client.get('/api/v1/public/products', { headers: { 'if-none-match': before! } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    await gw.db('products').where({ id: products.aPending }).update({ status: 'pending' });
  });
});

describe('public rate limit', () => {
  it('is a token bucket per client address: 429 problem+json with Retry-After beyond it', async () => {
    const limited = await startTestGateway({ config: { publicRateLimitPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.client.get('/api/v1/public/products')).status).toBe(200);
      const refused = await limited.client.get('/api/v1/public/statistics?from=2026-03&to=2026-03');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
      // Only the public prefix is limited.
      expect((await limited.client.get('/api/v1/regions/150100')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
