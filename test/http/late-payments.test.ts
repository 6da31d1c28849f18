import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, Contract } from '../../adapters/procurement-cloud.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { createDispatcher, type WebhookDispatcher } from '../../src/features/events/webhook-dispatcher.js';
import { chinaDate } from '../../src/features/statistics/period.js';
import { addDays } from '../../src/features/supervision/payment-due.js';
import { createLogger } from '../../src/logger.js';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { WebhookReceiver } from '@zcd-gateway/client';

let w: FinancingWorld;
let receiver: WebhookReceiver;
let dispatcher: WebhookDispatcher;
let county: TestParty;
beforeAll(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
  w = await financingWorld(80, { webhookUrl: receiver.url });
  receiver.secret = w.bank.webhookSecret;
  county = await seedBureau(w.gw, '150102', '新城区财政局');
  dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 2_000, webhookPollMs: 20 }, createLogger('silent'));
  dispatcher.start();
}, 90_000);
afterAll(async () => {
  await dispatcher?.stop();
  await w?.close();
  await receiver?.stop();
});

const today = () => chinaDate(Date.now());
/** 10:00 China Standard Time, `days` calendar days ago. */
const daysAgo = (days: number) => `${addDays(today(), -days)}T02:00:00.000Z`;

const supplier = { uscc: withUsccCheck('91150102MA0AB0001'), name: '内蒙古测试供应商有限公司', sme: true };

function contract(no: string, paymentDays?: number): Contract {
  return {
    contractNo: no,
    projectNo: `P-${no}`,
    purchaser: { name: '新城区教育局', regionCode: '150102' },
    supplier,
    category: 'goods',
    amountFen: 10_000_000,
    procurementMethod: 'public_tender',
    signedOn: addDays(today(), -120),
    paymentTerms: { advanceSharePercent: 0, milestones: [{ name: '验收合格后', sharePercent: 100 }], ...(paymentDays ? { paymentDays } : {}) },
    status: 'active',
  };
}

async function push(changes: Change[]) {
  const res = await w.gw.client.post('/api/v1/upstream/notifications', { jws: await w.sandbox.signNotification(changes) });
  expect(res.status, res.text).toBe(200);
  expect(res.body.quarantined).toBe(0);
}

const accepted = (no: string, days: number): Change => ({
  changeId: `${no}/accepted`,
  occurredAt: daysAgo(days),
  type: 'acceptance.recorded',
  acceptance: { acceptanceId: `YS-${no}`, contractNo: no, acceptedAt: daysAgo(days), result: 'passed' },
});

async function allLatePayments(party: TestParty, query: string) {
  const items: { contract_no: string; late: boolean; [k: string]: unknown }[] = [];
  let token: string | undefined;
  do {
    const res = await w.as(party, 'GET', `/api/v1/admin/late-payments?${query}&page_size=50${token ? `&page_token=${token}` : ''}`);
    expect(res.status, res.text).toBe(200);
    items.push(...res.body.items);
    token = res.body.next_page_token;
  } while (token);
  return items;
}

describe(`purchasers' payment discipline on ${testDatabaseKind}`, () => {
  const cases = [
    ['SV-29', 29, undefined, false],
    ['SV-31', 31, undefined, true],
    ['SV-61', 61, undefined, true],
    ['SV-31-60D', 31, 60, false],
    ['SV-61-60D', 61, 60, true],
  ] as const;

  it('flags exactly the contracts past 30 days from acceptance, or past the 60 their contract allows', async () => {
    const changes: Change[] = [];
    for (const [no, days, paymentDays] of cases) {
      changes.push({ changeId: `${no}/created`, occurredAt: daysAgo(120), type: 'contract.created', contract: contract(no, paymentDays) });
      changes.push(accepted(no, days));
    }
    await push(changes);

    const listed = new Map((await allLatePayments(county, 'region=150102')).map((p) => [p.contract_no, p]));
    for (const [no, days, paymentDays, late] of cases) {
      const p = listed.get(no);
      expect(p, no).toBeDefined();
      expect(p, no).toMatchObject({
        late,
        days_since_acceptance: days,
        payment_days: paymentDays ?? 30,
        accepted_on: addDays(today(), -days),
        paid_amount: 0,
        overdue_amount: late ? 10_000_000 : 0,
        overdue_since: late ? addDays(today(), -days + (paymentDays ?? 30)) : null,
        days_overdue: late ? days - (paymentDays ?? 30) : 0,
        financed: false,
        purchaser: { name: '新城区教育局', region_code: '150102' },
        supplier: { uscc: supplier.uscc },
      });
    }
    const lateOnly = (await allLatePayments(county, 'region=150102&late=true')).map((p) => p.contract_no);
    expect(lateOnly.filter((no) => no.startsWith('SV-')).sort()).toEqual(['SV-31', 'SV-61', 'SV-61-60D']);
    expect((await allLatePayments(county, 'region=150102&late=true')).every((p) => p.late)).toBe(true);
  });

  it('takes payments off what is due, and leaves a fully paid contract out', async () => {
    await push([
      { changeId: 'SV-61/paid/1', occurredAt: daysAgo(1), type: 'payment.made', payment: { paymentId: 'ZF-SV-61-1', contractNo: 'SV-61', amountFen: 4_000_000, paidAt: daysAgo(1) } },
      { changeId: 'SV-31/paid/1', occurredAt: daysAgo(1), type: 'payment.made', payment: { paymentId: 'ZF-SV-31-1', contractNo: 'SV-31', amountFen: 10_000_000, paidAt: daysAgo(1) } },
    ]);
    const listed = new Map((await allLatePayments(county, 'region=150102')).map((p) => [p.contract_no, p]));
    expect(listed.get('SV-61')).toMatchObject({ late: true, paid_amount: 4_000_000, overdue_amount: 6_000_000 });
    expect(listed.has('SV-31')).toBe(false);
  });

  it('keeps a bureau inside its subtree and the list closed to banks and strangers', async () => {
    const up = await w.as(county, 'GET', '/api/v1/admin/late-payments?region=150100');
    expect([up.status, up.body.code]).toEqual([403, 'outside_region']);
    expect((await allLatePayments(w.bureau, 'region=150102')).map((p) => p.contract_no)).toContain('SV-61');
    const other = (await allLatePayments(county, '')).map((p) => p.contract_no);
    expect(other).toContain('SV-61');
    const bank = await w.as(w.bank, 'GET', '/api/v1/admin/late-payments');
    expect([bank.status, bank.body.code]).toEqual([403, 'insufficient_scope']);
    expect((await w.gw.client.get('/api/v1/admin/late-payments')).status).toBe(401);
    expect((await w.as(county, 'GET', '/api/v1/admin/late-payments?late=maybe')).status).toBe(400);
    expect((await w.as(county, 'GET', '/api/v1/admin/late-payments?page_token=junk')).status).toBe(400);
  });

  it('sends the financing bank one payment.overdue for a late financed contract, not one per pass', async () => {
    const candidates = await w.financeable(10);
    const acceptedNos = new Set((await w.gw.db('acceptances').pluck('contract_no')) as string[]);
    const target = candidates.find((c) => !acceptedNos.has(c.contractNo))!;
    expect(target).toBeDefined();
    // The cloud amends the terms: everything due on acceptance, within the statutory period.
    const current = (await w.sandbox.getContract(target.contractNo))!;
    await push([
      { changeId: `${target.contractNo}/sv-amended`, occurredAt: daysAgo(40), type: 'contract.amended', contract: { ...current, paymentTerms: { advanceSharePercent: 0, milestones: [{ name: '验收合格后', sharePercent: 100 }] } } },
    ]);
    const applied = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: target.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: await w.supplier(target.uscc) },
    );
    expect(applied.status, applied.text).toBe(201);
    const id = applied.body.id as string;
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000))).body.status).toBe('account_locked');

    // Not late yet: nothing is due before acceptance. Then the cloud records an acceptance 31 days ago.
    expect(await w.gw.supervision.checkOverdue()).toBe(0);
    await push([accepted(target.contractNo, 31)]);
    expect(await w.gw.supervision.checkOverdue()).toBe(1);
    expect(await w.gw.supervision.checkOverdue()).toBe(0);
    await w.gw.sync.runOnce();
    expect(await w.gw.supervision.checkOverdue()).toBe(0);

    await receiver.until(() => receiver.ofType('payment.overdue').length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    const overdue = receiver.ofType('payment.overdue');
    expect(overdue).toHaveLength(1);
    expect(receiver.replays).toEqual([]);
    const paid = Number(((await w.gw.db('payments').where('contract_no', target.contractNo).sum({ s: 'amount_fen' }).first()) as { s: number | string | null }).s ?? 0);
    expect(overdue[0]!.data).toMatchObject({
      application_id: id,
      contract_no: target.contractNo,
      due_on: addDays(today(), -1),
      milestone: '验收合格后',
      overdue_amount: current.amountFen - paid,
      contract_unpaid: current.amountFen - paid,
      purchaser: { region_code: current.purchaser.regionCode },
    });
    // The late contracts nobody finances reach no bank.
    expect(receiver.ofType('payment.overdue').map((e) => e.data.contract_no)).toEqual([target.contractNo]);
    const feed = (await w.as(w.bank, 'GET', '/api/v1/events?limit=500')).body.items.filter((e: { type: string }) => e.type === 'payment.overdue');
    expect(feed).toHaveLength(1);
  });
});
