import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import type { TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';

let w: FinancingWorld;
let banks: { bank: TestParty; productId: string }[];
beforeAll(async () => {
  w = await financingWorld();
  banks = [{ bank: w.bank, productId: w.productId }, await w.anotherBank(), await w.anotherBank()];
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The types of the events in a bank's feed. */
async function feedTypes(bank: TestParty): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const res = await w.as(bank, 'GET', '/api/v1/events?limit=500');
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

describe(`the marketplace story over HTTP with three banks on ${testDatabaseKind}`, () => {
  it('runs from an intent through three quotes, a revision and an acceptance to settlement with the account released', async () => {
    const [target] = await w.financeable(1);
    const sme = await w.supplier(target!.uscc);
    const { gw } = w;
    const [a, b, c] = banks as [(typeof banks)[0], (typeof banks)[0], (typeof banks)[0]];

    // Beside the marketplace the SME has also applied to the third bank from the catalogue.
    const direct = await gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: target!.contractNo, product_id: c.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: sme },
    );
    expect(direct.status, direct.text).toBe(201);

    // The SME publishes its need; banks may see the purchaser's region and the amount band, not the acceptance.
    const amount = Math.min(50_000_000, Math.floor((target!.unpaid * 8000) / 10_000));
    const published = await gw.client.post(
      '/api/v1/supplier/intents',
      { contract_no: target!.contractNo, amount, term_days: 180, visible_fields: ['purchaser_region', 'contract_amount_band'] },
      { headers: { ...sme, 'idempotency-key': 'intent-1' } },
    );
    expect(published.status, published.text).toBe(201);
    expect(published.body).toMatchObject({ status: 'open', amount, live_quotes: 0 });
    const intentId = published.body.id as string;

    // Every bank of the region is told and finds it, without the contract.
    for (const { bank } of banks) {
      const told = (await feedTypes(bank)).filter((e) => e.type === 'intent.published');
      expect(told.map((e) => e.data.intent_id)).toContain(intentId);
      const listed = await w.as(bank, 'GET', '/api/v1/intents');
      const mine = listed.body.items.find((i: { id: string }) => i.id === intentId);
      expect(mine).toMatchObject({ amount, term_days: 180, status: 'open' });
      expect(mine.purchaser_region_code).toMatch(/^15\d{4}$/);
      expect(mine.contract_amount_band.min).toBeLessThanOrEqual(target!.unpaid);
      expect(mine).not.toHaveProperty('acceptance_status');
      expect(JSON.stringify(mine)).not.toContain(target!.contractNo);
      expect(JSON.stringify(mine)).not.toContain(target!.uscc);
    }

    // Three quotes; the second bank revises its own.
    const quote = (bank: TestParty, productId: string, rate: number) =>
      w.as(bank, 'POST', `/api/v1/intents/${intentId}/quotes`, {
        product_id: productId,
        amount,
        annual_rate_bp: rate,
        term_days: 180,
        fees: 0,
        conditions: '无需抵押担保',
        valid_until: inDays(5),
      });
    const qa = await quote(a.bank, a.productId, 420);
    const qb = await quote(b.bank, b.productId, 480);
    const qc = await quote(c.bank, c.productId, 500);
    for (const q of [qa, qb, qc]) expect(q.status, q.text).toBe(201);
    const revised = await quote(b.bank, b.productId, 390);
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({ id: qb.body.id, revision: 2, annual_rate_bp: 390, status: 'live' });

    // The SME compares the quotes (lowest rate first) beside the catalogue's offers.
    const compared = await gw.client.get(`/api/v1/supplier/intents/${intentId}/quotes`, { headers: sme });
    expect(compared.status).toBe(200);
    expect(compared.body.quotes.map((q: { id: string }) => q.id)).toEqual([qb.body.id, qa.body.id, qc.body.id]);
    expect(compared.body.offers.map((o: { product_id: string }) => o.product_id)).toEqual(expect.arrayContaining(banks.map((x) => x.productId)));
    expect(compared.body.intent.live_quotes).toBe(3);

    // It accepts the first bank's quote: one application, the other two banks told their quotes are declined.
    const accepted = await gw.client.post(
      `/api/v1/supplier/intents/${intentId}/quotes/${qa.body.id}/accept`,
      { consent: consentFor(60), quote_revision: 1 },
      { headers: { ...sme, 'idempotency-key': 'accept-1' } },
    );
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body).toMatchObject({ status: 'submitted', institution_id: a.bank.clientId, requested_amount: amount, intent_id: intentId });
    const id = accepted.body.id as string;
    for (const [bank, quoteId] of [
      [b.bank, qb.body.id],
      [c.bank, qc.body.id],
    ] as const) {
      const declined = (await feedTypes(bank)).filter((e) => e.type === 'quote.declined');
      expect(declined.map((e) => e.data)).toEqual([{ intent_id: intentId, quote_id: quoteId, reason: 'another_quote_accepted' }]);
    }
    expect((await feedTypes(a.bank)).filter((e) => e.type === 'application.submitted').map((e) => e.data.application_id)).toContain(id);
    const intents = await gw.client.get('/api/v1/supplier/intents', { headers: sme });
    expect(intents.body.items[0]).toMatchObject({ id: intentId, status: 'accepted', accepted_quote_id: qa.body.id, application_id: id });

    // The winner approves; the confirmed lock supersedes the catalogue application, whose bank is refused.
    expect((await w.as(c.bank, 'GET', `/api/v1/applications/${direct.body.id}/contract`)).status).toBe(200);
    const approved = await w.as(a.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(amount));
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.status).toBe('account_locked');
    const loser = await w.as(c.bank, 'GET', `/api/v1/applications/${direct.body.id}`);
    expect(loser.body).toMatchObject({ status: 'superseded', consent: { live: false } });
    expect((await w.as(c.bank, 'GET', `/api/v1/applications/${direct.body.id}/contract`)).status).toBe(404);
    expect((await feedTypes(c.bank)).filter((e) => e.type === 'application.superseded').map((e) => e.data)).toEqual([
      { application_id: direct.body.id, contract_no: target!.contractNo },
    ]);

    // Disbursement, repayment, settlement: the cloud confirms the account's release.
    expect((await w.as(a.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'MKT-0001', amount, disbursed_on: '2026-07-02' })).status).toBe(200);
    expect((await w.as(a.bank, 'POST', `/api/v1/applications/${id}/repayments`, { amount, repaid_on: '2026-10-01' })).status).toBe(200);
    const settled = await w.as(a.bank, 'POST', `/api/v1/applications/${id}/settlement`, { settled_on: '2026-10-02' });
    expect(settled.status, settled.text).toBe(200);
    expect(settled.body).toMatchObject({ status: 'settled', account_release: 'account_released' });
    const { lock_ref: lockRef } = await gw.db('applications').where({ id }).first('lock_ref');
    expect(await w.sandbox.releasedAt(lockRef)).toBeDefined();
  });
});
