import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import type { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { approval, broadProduct, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { registerStaff, sameOrigin, signedIn } from '../helpers/sign-in.js';

let w: FinancingWorld;
let city: TestParty;
const staff: Record<string, { client: CookieClient; csrf: string }> = {};

beforeAll(async () => {
  w = await financingWorld();
  city = await seedBureau(w.gw, '150100', '呼和浩特市财政局');
  for (const role of ['admin', 'viewer'] as const) {
    await registerStaff(w.gw, '150000', `p-${role}`, role);
    staff[role] = await signedIn(w.gw, 'staff', { subject: `p-${role}` });
  }
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const rules = (o: Record<string, unknown> = {}) => ({
  max_share_bp: null,
  max_amount: null,
  max_rate_bp: null,
  fees_allowed: null,
  decide_days: null,
  disburse_days: null,
  ...o,
});
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe(`bureau policy (政策参数) on ${testDatabaseKind}`, () => {
  it('is inherited down the tree, tightened below, and never loosened', async () => {
    const set = await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_share_bp: 8500, max_amount: 1_000_000_000, max_rate_bp: 800, fees_allowed: false, decide_days: 2, disburse_days: 6 }));
    expect(set.status, set.text).toBe(200);
    const inherited = await w.as(city, 'GET', '/api/v1/admin/regions/150100/policy');
    expect(inherited.status).toBe(200);
    expect(inherited.body.own).toEqual(rules());
    expect(inherited.body.effective).toMatchObject({ max_rate_bp: 800, fees_allowed: false, decide_days: 2 });
    expect(inherited.body.inherited_from).toMatchObject({ max_rate_bp: '150000', fees_allowed: '150000' });

    const tightened = await w.as(city, 'PUT', '/api/v1/admin/regions/150100/policy', rules({ max_rate_bp: 600, decide_days: 1 }));
    expect(tightened.status, tightened.text).toBe(200);
    expect(tightened.body.effective).toMatchObject({ max_rate_bp: 600, decide_days: 1, max_share_bp: 8500 });
    expect(tightened.body.inherited_from).toMatchObject({ max_rate_bp: '150100', max_share_bp: '150000' });
    // 新城区 below inherits the city's tightening.
    expect((await w.as(city, 'GET', '/api/v1/admin/regions/150102/policy')).body.effective.max_rate_bp).toBe(600);

    for (const [loose, rule, limit] of [
      [{ max_rate_bp: 900 }, 'max_rate_bp', 800],
      [{ fees_allowed: true }, 'fees_allowed', false],
      [{ max_amount: 1_000_000_001 }, 'max_amount', 1_000_000_000],
    ] as const) {
      const res = await w.as(city, 'PUT', '/api/v1/admin/regions/150100/policy', rules(loose));
      expect(res.status, JSON.stringify(loose)).toBe(422);
      expect(res.body).toMatchObject({ code: 'policy_looser_than_parent', rule, limit });
    }
    expect((await w.as(city, 'GET', '/api/v1/admin/regions/150100/policy')).body.own).toEqual(rules({ max_rate_bp: 600, decide_days: 1 }));
    const audit = await w.gw.db('admin_audit').where({ action: 'updateRegionPolicy', target: '150100' });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe(city.clientId);
  });

  it('lets viewers read and only admins change it, in their own subtree, with CSRF on session writes', async () => {
    expect((await w.as(city, 'GET', '/api/v1/admin/regions/150000/policy')).body.code).toBe('outside_region');
    expect((await w.as(city, 'PUT', '/api/v1/admin/regions/150000/policy', rules())).status).toBe(403);
    const read = await staff.viewer!.client.request('GET', '/api/v1/admin/regions/150100/policy');
    expect(read.status).toBe(200);
    const refused = await staff.viewer!.client.request('PUT', '/api/v1/admin/regions/150100/policy', { headers: sameOrigin(w.gw, staff.viewer!.csrf), json: rules() });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_role');
    const noCsrf = await staff.admin!.client.request('PUT', '/api/v1/admin/regions/150200/policy', { headers: { origin: w.gw.issuer }, json: rules({ max_rate_bp: 700 }) });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.code).toBe('csrf_failed');
    const ok = await staff.admin!.client.request('PUT', '/api/v1/admin/regions/150200/policy', { headers: sameOrigin(w.gw, staff.admin!.csrf), json: rules({ max_rate_bp: 700 }) });
    expect(ok.status, ok.text).toBe(200);
    const bad = await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_rate_bp: 10_001 }));
    expect(bad.status).toBe(400);
    expect((await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', { max_rate_bp: 500 })).status).toBe(400);
    expect((await w.as(w.bank, 'GET', '/api/v1/admin/regions/150000/policy')).status).toBe(403);
  });

  it('refuses a breaking product, quote, decision and disbursement, naming the rule', async () => {
    // Product: its highest rate above the 150000 cap of 800 bp.
    const created = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '高息产品' });
    const review = await w.as(w.bureau, 'POST', `/api/v1/admin/products/${created.body.id}/review`, { decision: 'approve', reason: '审核' });
    expect(review.status).toBe(422);
    expect(review.body).toMatchObject({ code: 'policy_violation', rule: 'max_rate_bp', limit: 800, region_code: '150000' });
    const fine = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '合规产品', rate_max_bp: 800, max_share_bp: 8000 });
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/products/${fine.body.id}/review`, { decision: 'approve', reason: '审核' })).status).toBe(200);

    const [t] = await w.financeable(1);
    const { purchaser_region_code: region } = await w.gw.db('contracts').where({ contract_no: t!.contractNo }).first('purchaser_region_code');
    const cap = String(region).startsWith('1501') ? 600 : String(region).startsWith('1502') ? 700 : 800;
    const sme = await w.supplier(t!.uscc);

    // Quote: a fee when none is allowed, a rate above the cap.
    const intent = await w.gw.client.post('/api/v1/supplier/intents', { contract_no: t!.contractNo, amount: 1_000_000, term_days: 90, visible_fields: [] }, { headers: sme });
    const quote = (o: Record<string, unknown>) =>
      w.as(w.bank, 'POST', `/api/v1/intents/${intent.body.id}/quotes`, { product_id: w.productId, amount: 1_000_000, annual_rate_bp: 450, term_days: 90, fees: 0, valid_until: inDays(3), ...o });
    expect((await quote({ fees: 10_000 })).body).toMatchObject({ code: 'policy_violation', rule: 'fees_allowed' });
    expect((await quote({ annual_rate_bp: cap + 50 })).body).toMatchObject({ code: 'policy_violation', rule: 'max_rate_bp', limit: cap });
    expect(await w.gw.db('intent_quotes').where({ intent_id: intent.body.id })).toEqual([]);
    await w.gw.client.post(`/api/v1/supplier/intents/${intent.body.id}/withdraw`, undefined, { headers: sme });

    // Decision: the rate above the cap; then the share of the unpaid amount less retention.
    const applied = await w.gw.client.post('/api/v1/supplier/applications', { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) }, { headers: sme });
    const id = applied.body.id as string;
    const rate = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, { ...approval(1_000_000), annual_rate_bp: cap + 50 });
    expect(rate.body).toMatchObject({ code: 'policy_violation', rule: 'max_rate_bp', limit: cap });
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_share_bp: 100, max_amount: 1_000_000_000, max_rate_bp: 800, fees_allowed: false, decide_days: 2, disburse_days: 6 }));
    const share = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(Math.floor(t!.unpaid / 50)));
    expect(share.body).toMatchObject({ code: 'policy_violation', rule: 'max_share_bp', limit: 100 });
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${id}`)).body.status).toBe('submitted');

    // Disbursement: the largest amount lowered after the approval.
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_share_bp: 8500, max_amount: 1_000_000_000, max_rate_bp: 800, fees_allowed: false, decide_days: 2, disburse_days: 6 }));
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000))).body.status).toBe('account_locked');
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_share_bp: 8500, max_amount: 500_000, max_rate_bp: 800, fees_allowed: false, decide_days: 2, disburse_days: 6 }));
    const disbursed = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'POL-1', amount: 1_000_000, disbursed_on: '2026-07-02' });
    expect(disbursed.status).toBe(422);
    expect(disbursed.body).toMatchObject({ code: 'policy_violation', rule: 'max_amount', limit: 500_000, region_code: '150000' });
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'POL-1', amount: 500_000, disbursed_on: '2026-07-02' })).status).toBe(200);
  });

  it('does not let an SME accept a quote for more than a policy tightened since the bank quoted', async () => {
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_rate_bp: 800 }));
    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const intent = await w.gw.client.post('/api/v1/supplier/intents', { contract_no: t!.contractNo, amount: 1_000_000, term_days: 90, visible_fields: [] }, { headers: sme });
    expect(intent.status, intent.text).toBe(201);
    const quote = await w.as(w.bank, 'POST', `/api/v1/intents/${intent.body.id}/quotes`, {
      product_id: w.productId,
      amount: 1_000_000,
      annual_rate_bp: 450,
      term_days: 90,
      fees: 0,
      valid_until: inDays(3),
    });
    expect(quote.status, quote.text).toBe(201);
    const accept = () => w.gw.client.post(`/api/v1/supplier/intents/${intent.body.id}/quotes/${quote.body.id}/accept`, { consent: consentFor(30) }, { headers: sme });

    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_amount: 500_000, max_rate_bp: 800 }));
    const refused = await accept();
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({ code: 'amount_exceeds_limit', max_amount: 500_000 });
    expect((await w.gw.client.get(`/api/v1/supplier/intents/${intent.body.id}/quotes`, { headers: sme })).body.intent.status).toBe('open');

    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ max_rate_bp: 800 }));
    const accepted = await accept();
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body).toMatchObject({ requested_amount: 1_000_000, status: 'submitted' });
  });

  it('records a missed decision deadline once and tells the bank', async () => {
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', rules({ decide_days: 1 }));
    const [t] = await w.financeable(1);
    const applied = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: await w.supplier(t!.uscc) },
    );
    const id = applied.body.id as string;
    expect(await w.gw.applications.sweepDeadlines()).toBe(0);
    // Submitted three weeks ago: whatever the holidays, one working day has long passed.
    await w.gw.db('applications').where({ id }).update({ created_at: Date.now() - 21 * 86_400_000 });
    expect(await w.gw.applications.sweepDeadlines()).toBe(1);
    expect(await w.gw.applications.sweepDeadlines()).toBe(0);
    const breaches = await w.gw.db('deadline_breaches').where({ application_id: id });
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ deadline: 'decide', institution_id: w.bank.clientId, working_days: 1 });
    const feed = await w.as(w.bank, 'GET', '/api/v1/events?limit=500');
    const missed = feed.body.items.filter((e: { type: string }) => e.type === 'application.deadline_missed');
    expect(missed.map((e: { data: { application_id: string; deadline: string } }) => [e.data.application_id, e.data.deadline])).toEqual([[id, 'decide']]);
  });
});
