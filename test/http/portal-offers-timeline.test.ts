// What the SME portal compares and shows, over HTTP on both databases: a product's fee, promised days and
// requirements (createProduct/updateProduct, the offers, bounded by the region's policy), and one application's
// timeline from submission to settlement (getSupplierApplication), which no other supplier can read.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../helpers/db.js';
import { approval, broadProduct, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';

let w: FinancingWorld;
beforeAll(async () => {
  w = await financingWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const noRules = { max_share_bp: null, max_amount: null, max_rate_bp: null, fees_allowed: null, decide_days: null, disburse_days: null };

describe(`what an offer promises, on ${testDatabaseKind}`, () => {
  it('stores a product’s fee, promised days and requirements, defaults them, and refuses bad ones', async () => {
    // The world's product was created without them: no fee, no promise, nothing required.
    const listed = await w.as(w.bank, 'GET', '/api/v1/products');
    const plain = listed.body.items.find((p: { id: string }) => p.id === w.productId);
    expect(plain).toMatchObject({ fee_bp: 0, decide_days: null, disburse_days: null });
    expect(plain).not.toHaveProperty('requirements');

    const created = await w.as(w.bank, 'POST', '/api/v1/products', {
      ...broadProduct, name: '政采贷·快批', fee_bp: 50, decide_days: 3, disburse_days: 5, requirements: '近两年无不良信用记录',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ fee_bp: 50, decide_days: 3, disburse_days: 5, requirements: '近两年无不良信用记录', status: 'pending' });

    for (const bad of [{ fee_bp: -1 }, { fee_bp: 10_001 }, { decide_days: 0 }, { disburse_days: 61 }, { decide_days: 1.5 }, { requirements: '' }, { requirements: 'x'.repeat(501) }]) {
      const res = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '坏产品', ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const patched = await w.as(w.bank, 'PATCH', `/api/v1/products/${created.body.id}`, { decide_days: 2, disburse_days: null });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ fee_bp: 50, decide_days: 2, disburse_days: null });
    expect((await w.as(w.bank, 'PATCH', `/api/v1/products/${created.body.id}`, { fee_bp: 'half' })).status).toBe(400);
  });

  it('shows them on the offers, the days bounded by the region’s policy, and refuses a fee where none is allowed', async () => {
    const other = await w.anotherBank();
    const promise = await w.as(other.bank, 'PATCH', `/api/v1/products/${other.productId}`, { fee_bp: 30, decide_days: 5, disburse_days: 3, requirements: '提供中标通知书' });
    expect(promise.status, promise.text).toBe(200);
    // A changed product goes back to review; the bureau approves it again.
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/products/${other.productId}/review`, { decision: 'approve', reason: '审核' })).status).toBe(200);

    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const offers = async () => (await w.gw.client.get(`/api/v1/supplier/contracts/${t!.contractNo}/offers`, { headers: sme })).body.items as Record<string, unknown>[];
    expect((await offers()).find((o) => o.product_id === other.productId)).toMatchObject({ fee_bp: 30, decide_days: 5, disburse_days: 3, requirements: '提供中标通知书' });
    expect((await offers()).find((o) => o.product_id === w.productId)).toMatchObject({ fee_bp: 0, decide_days: null, disburse_days: null });

    // The region demands a decision within 2 working days and the money within 6: the promise is bounded by it.
    const set = await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', { ...noRules, decide_days: 2, disburse_days: 6 });
    expect(set.status, set.text).toBe(200);
    expect((await offers()).find((o) => o.product_id === other.productId)).toMatchObject({ decide_days: 2, disburse_days: 3 });
    expect((await offers()).find((o) => o.product_id === w.productId)).toMatchObject({ decide_days: 2, disburse_days: 6 });

    // No fees allowed: a product with one is refused at approval, naming the rule; without one it passes.
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', { ...noRules, fees_allowed: false });
    const feeful = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '带手续费', fee_bp: 20 });
    const refused = await w.as(w.bureau, 'POST', `/api/v1/admin/products/${feeful.body.id}/review`, { decision: 'approve', reason: '审核' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'policy_violation', rule: 'fees_allowed' });
    const feeless = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '无手续费', fee_bp: 0 });
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/products/${feeless.body.id}/review`, { decision: 'approve', reason: '审核' })).status).toBe(200);
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', noRules);
  });

  it('bounds each offer by the region’s caps, so that what it shows is what the bank can approve', async () => {
    const steep = await w.as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '政采贷·高息', rate_min_bp: 700, rate_max_bp: 900 });
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/products/${steep.body.id}/review`, { decision: 'approve', reason: '审核' })).status).toBe(200);
    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const offers = async () => {
      const res = await w.gw.client.get(`/api/v1/supplier/contracts/${t!.contractNo}/offers`, { headers: sme });
      expect(res.status, res.text).toBe(200);
      return res.body.items as { product_id: string; max_loan: number; rate_min_bp: number; rate_max_bp: number; fee_bp: number }[];
    };
    const before = await offers();
    expect(before.find((o) => o.product_id === steep.body.id)).toMatchObject({ rate_min_bp: 700, rate_max_bp: 900 });
    const plain = before.find((o) => o.product_id === w.productId)!;
    expect(plain).toMatchObject({ rate_min_bp: 300, rate_max_bp: 900 });
    expect(before.some((o) => o.fee_bp > 0)).toBe(true);

    // The bureau tightens the policy after these products were approved.
    const set = await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', { ...noRules, max_rate_bp: 600, max_share_bp: 100, fees_allowed: false });
    expect(set.status, set.text).toBe(200);
    const after = await offers();
    expect(after.map((o) => o.product_id)).not.toContain(steep.body.id);
    expect(after.filter((o) => o.fee_bp > 0)).toEqual([]);
    const capped = after.find((o) => o.product_id === w.productId)!;
    expect(capped).toMatchObject({ rate_min_bp: 300, rate_max_bp: 600 });
    expect(capped.max_loan).toBeGreaterThan(0);
    expect(capped.max_loan).toBeLessThan(plain.max_loan);

    // The bank can approve exactly what the offer shows, and not a fen or a basis point more.
    const applied = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t!.contractNo, product_id: w.productId, requested_amount: capped.max_loan, consent: consentFor(30) },
      { headers: sme },
    );
    expect(applied.status, applied.text).toBe(201);
    const decide = (amount: number, rate: number) => w.as(w.bank, 'POST', `/api/v1/applications/${applied.body.id}/decision`, { ...approval(amount), annual_rate_bp: rate });
    expect((await decide(capped.max_loan + 1, 600)).body).toMatchObject({ code: 'policy_violation', rule: 'max_share_bp' });
    expect((await decide(capped.max_loan, 601)).body).toMatchObject({ code: 'policy_violation', rule: 'max_rate_bp' });
    const approved = await decide(capped.max_loan, 600);
    expect(approved.status, approved.text).toBe(200);
    await w.as(w.bureau, 'PUT', '/api/v1/admin/regions/150000/policy', noRules);
  });
});

describe(`an application’s timeline, on ${testDatabaseKind}`, () => {
  it('lists every state and event with its time, from submission to settlement, and only to its supplier', async () => {
    const [mine, theirs] = await w.financeable(2);
    const sme = await w.supplier(mine!.uscc);
    const otherSme = await w.supplier(theirs!.uscc);
    const paidNow = async () =>
      (await w.gw.client.get('/api/v1/supplier/contracts?page_size=500', { headers: sme })).body.items.find((c: { contract_no: string }) => c.contract_no === mine!.contractNo)
        .paid as number;
    const paidBefore = await paidNow();
    const applied = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: mine!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(60, ['contract', 'payments']) },
      { headers: sme },
    );
    expect(applied.status, applied.text).toBe(201);
    const id = applied.body.id as string;
    const timeline = async () => {
      const res = await w.gw.client.get(`/api/v1/supplier/applications/${id}`, { headers: sme });
      expect(res.status, res.text).toBe(200);
      return res.body as { status: string; history: { at: string; kind: string; status?: string; from_status?: string; amount?: number; actor?: string }[] };
    };
    const first = await timeline();
    expect(first.history.map((e) => e.kind)).toEqual(['status_changed', 'consent_granted']);
    expect(first.history[0]).toMatchObject({ status: 'submitted', actor: `supplier:${mine!.uscc}` });
    expect(first.history[1]!.at).toBe(applied.body.created_at);

    // Another supplier, a made-up id and a bank all get nothing.
    const foreign = await w.gw.client.get(`/api/v1/supplier/applications/${id}`, { headers: otherSme });
    const missing = await w.gw.client.get(`/api/v1/supplier/applications/${randomUUID()}`, { headers: otherSme });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await w.gw.client.get(`/api/v1/supplier/applications/${'x'.repeat(65)}`, { headers: sme })).status).toBe(400);
    expect((await w.as(w.bank, 'GET', `/api/v1/supplier/applications/${id}`)).status).toBeGreaterThanOrEqual(401);
    expect((await w.gw.client.get(`/api/v1/supplier/applications/${id}`)).status).toBe(401);

    // The bank decides, the lock is confirmed, it disburses; the treasury pays; it is repaid and settled.
    const { bank } = w;
    await w.as(bank, 'POST', `/api/v1/applications/${id}/review`, {});
    expect((await w.as(bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000))).body.status).toBe('account_locked');
    await w.as(bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'ZCD-T-0001', amount: 1_000_000, disbursed_on: '2026-07-02' });
    await w.sandbox.advanceClock(400 * 86_400_000);
    await w.gw.sync.runOnce();
    await w.as(bank, 'POST', `/api/v1/applications/${id}/repayments`, { amount: 400_000, repaid_on: '2026-10-01' });
    await w.as(bank, 'POST', `/api/v1/applications/${id}/repayments`, { amount: 600_000, repaid_on: '2026-10-02' });
    const settled = await w.as(bank, 'POST', `/api/v1/applications/${id}/settlement`, { settled_on: '2026-10-02' });
    expect(settled.body.status, settled.text).toBe('settled');

    const done = await timeline();
    expect(done.status).toBe('settled');
    const states = done.history.filter((e) => e.kind === 'status_changed').map((e) => e.status);
    expect(states).toEqual(['submitted', 'under_review', 'approved', 'account_lock_pending', 'account_locked', 'disbursed', 'repaying', 'settled']);
    expect(done.history.find((e) => e.status === 'account_locked')!.actor).toBe('cloud');
    expect(done.history.filter((e) => e.kind === 'disbursement').map((e) => e.amount)).toEqual([1_000_000]);
    expect(done.history.filter((e) => e.kind === 'repayment').map((e) => e.amount)).toEqual([400_000, 600_000]);
    // Each state comes just before the money that moved it, at the same time.
    const kinds = done.history.map((e) => e.status ?? e.kind);
    expect(kinds.slice(kinds.indexOf('disbursed'), kinds.indexOf('disbursed') + 2)).toEqual(['disbursed', 'disbursement']);
    expect(kinds.slice(kinds.indexOf('repaying'), kinds.indexOf('repaying') + 2)).toEqual(['repaying', 'repayment']);
    expect(done.history[kinds.indexOf('repaying')]!.at).toBe(done.history[kinds.indexOf('repaying') + 1]!.at);
    // The payments the treasury made on the contract while it was locked for this financing, as the sync received them.
    const received = done.history.filter((e) => e.kind === 'payment_received');
    expect(received.length).toBeGreaterThan(0);
    expect(received.reduce((s, e) => s + e.amount!, 0)).toBe((await paidNow()) - paidBefore);
    // Oldest first, and nothing after the settlement but what settlement caused.
    const times = done.history.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Revoking consent shows on the timeline too.
    await w.gw.client.post(`/api/v1/supplier/applications/${id}/consent/revoke`, undefined, { headers: sme });
    expect((await timeline()).history.at(-1)!.kind).toMatch(/consent_revoked|account_released/);
    expect((await timeline()).history.some((e) => e.kind === 'consent_revoked')).toBe(true);
  });

  it('shows a withdrawal (which ends the consent), and no payment without a lock', async () => {
    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const applied = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 500_000, consent: consentFor(30) },
      { headers: sme },
    );
    const id = applied.body.id as string;
    await w.sandbox.advanceClock(30 * 86_400_000);
    await w.gw.sync.runOnce();
    const withdrawn = await w.gw.client.post(`/api/v1/supplier/applications/${id}/withdraw`, { reason_code: 'other' }, { headers: sme });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const res = await w.gw.client.get(`/api/v1/supplier/applications/${id}`, { headers: sme });
    expect(res.body.history.map((e: { kind: string; status?: string }) => e.status ?? e.kind)).toEqual(['submitted', 'consent_granted', 'withdrawn', 'consent_revoked']);
  });
});
