import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { testDatabaseKind } from '../helpers/db.js';

let w: FinancingWorld;
beforeAll(async () => {
  w = await financingWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe(`the whole financing story over HTTP on ${testDatabaseKind}`, () => {
  it('runs from a sandbox contract to settlement, every response as the spec says', async () => {
    const [target] = await w.financeable(1);
    const sme = await w.supplier(target!.uscc);
    const { gw, bank, bureau } = w;

    // The SME sees its contracts and compares offers.
    const contracts = await gw.client.get('/api/v1/supplier/contracts', { headers: sme });
    expect(contracts.status).toBe(200);
    const mine = contracts.body.items.find((c: { contract_no: string }) => c.contract_no === target!.contractNo);
    expect(mine).toMatchObject({ financeable: true, not_financeable_reasons: [], unpaid: target!.unpaid });

    const offers = await gw.client.get(`/api/v1/supplier/contracts/${target!.contractNo}/offers`, { headers: sme });
    expect(offers.status).toBe(200);
    const offer = offers.body.items.find((o: { product_id: string }) => o.product_id === w.productId);
    expect(offer.max_loan).toBe(Math.min(1_000_000_000, Math.floor((target!.unpaid * 8000) / 10_000)));

    // It applies and authorises this one bank.
    const amount = Math.min(offer.max_loan, 50_000_000);
    const applied = await gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: target!.contractNo, product_id: w.productId, requested_amount: amount, consent: consentFor(30) },
      { headers: sme },
    );
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'submitted', requested_amount: amount, consent: { live: true } });
    const id = applied.body.id as string;

    // The bank finds it and reads the contract's data under the consent.
    const listed = await w.as(bank, 'GET', '/api/v1/applications?status=submitted');
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
    expect(listed.body.items.find((a: { id: string }) => a.id === id).institution_name).toBe('内蒙古测试银行');
    const contract = await w.as(bank, 'GET', `/api/v1/applications/${id}/contract`);
    expect(contract.status).toBe(200);
    expect(contract.body).toMatchObject({ contract_no: target!.contractNo, supplier_uscc: target!.uscc, unpaid: target!.unpaid });
    for (const part of ['acceptances', 'payments', 'risk-flags']) {
      expect((await w.as(bank, 'GET', `/api/v1/applications/${id}/${part}`)).status).toBe(200);
    }

    // Reviews, approves: the sandbox cloud confirms the lock at once.
    expect((await w.as(bank, 'POST', `/api/v1/applications/${id}/review`, {})).body.status).toBe('under_review');
    const approved = await w.as(bank, 'POST', `/api/v1/applications/${id}/decision`, approval(amount));
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('account_locked');
    expect(approved.body.history.map((t: { to: string }) => t.to)).toEqual([
      'submitted',
      'under_review',
      'approved',
      'account_lock_pending',
      'account_locked',
    ]);
    expect(approved.body.history.at(-1).actor).toBe('cloud');

    // The contract is now reserved: the SME sees it as not financeable.
    const after = await gw.client.get('/api/v1/supplier/contracts', { headers: sme });
    const reserved = after.body.items.find((c: { contract_no: string }) => c.contract_no === target!.contractNo);
    expect(reserved).toMatchObject({ financeable: false, not_financeable_reasons: ['live_financing'] });

    // Disburses.
    const disbursed = await w.as(bank, 'POST', `/api/v1/applications/${id}/disbursements`, {
      loan_no: 'ZCD-2026-0001',
      amount,
      disbursed_on: '2026-07-02',
    });
    expect(disbursed.status).toBe(200);
    expect(disbursed.body).toMatchObject({ status: 'disbursed', disbursed_amount: amount, outstanding_amount: amount });

    // The treasury pays on the sandbox clock; the gateway syncs; the bank sees the payment.
    const paidBefore = (await w.as(bank, 'GET', `/api/v1/applications/${id}/payments`)).body.paid as number;
    await w.sandbox.advanceClock(400 * 86_400_000);
    await gw.sync.runOnce();
    const payments = await w.as(bank, 'GET', `/api/v1/applications/${id}/payments`);
    expect(payments.body.paid).toBeGreaterThan(paidBefore);
    expect(payments.body.paid + payments.body.unpaid).toBe(contract.body.amount);

    // Records the repayment in two parts and settles.
    const half = Math.floor(amount / 2);
    expect((await w.as(bank, 'POST', `/api/v1/applications/${id}/repayments`, { amount: half, repaid_on: '2026-10-01' })).body.status).toBe('repaying');
    const early = await w.as(bank, 'POST', `/api/v1/applications/${id}/settlement`, { settled_on: '2026-10-02' });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('outstanding_balance');
    const repaid = await w.as(bank, 'POST', `/api/v1/applications/${id}/repayments`, { amount: amount - half, repaid_on: '2026-10-02' });
    expect(repaid.body.outstanding_amount).toBe(0);
    const settled = await w.as(bank, 'POST', `/api/v1/applications/${id}/settlement`, { settled_on: '2026-10-02' });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('settled');

    // Settlement released the reservation; the SME sees who read its data; the bureau supervises.
    const reads = await gw.client.get('/api/v1/supplier/data-access', { headers: sme });
    expect(reads.body.items.map((e: { part: string }) => e.part).sort()).toEqual(
      ['acceptances', 'contract', 'payments', 'payments', 'payments', 'risk_flags'].sort(),
    );
    expect(reads.body.items.every((e: { institution_id: string }) => e.institution_id === bank.clientId)).toBe(true);
    const supervised = await w.as(bureau, 'GET', '/api/v1/admin/applications');
    expect(supervised.body.items.find((a: { id: string }) => a.id === id).status).toBe('settled');
    const audit = await w.as(bureau, 'GET', '/api/v1/admin/data-access');
    expect(audit.body.items.length).toBe(6);
    const released = await gw.db('contract_reservations').where({ contract_no: target!.contractNo });
    expect(released).toEqual([]);
    // The bureau's approval of the product is on the admin record with before and after.
    const review = await gw.db('admin_audit').where({ action: 'reviewProduct', target: w.productId }).first();
    expect(review).toMatchObject({ actor: bureau.clientId });
    expect(JSON.parse(review.before)).toMatchObject({ status: 'pending' });
    expect(JSON.parse(review.after)).toMatchObject({ status: 'approved' });
  });
});
