import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { testDatabaseKind } from '../helpers/db.js';
import { WebhookReceiver } from '@zcd-gateway/client';
import { createDispatcher, type WebhookDispatcher } from '../../src/features/events/webhook-dispatcher.js';
import { webhookSignature } from '../../src/features/events/webhook-signature.js';
import { newWebhookSecret } from '../../src/features/institutions/client-onboarding.js';
import { WebhookSender } from '../../src/features/events/webhook-sender.js';
import { retryDelay, RETRY_SCHEDULE_MS } from '../../src/features/events/retry-schedule.js';
import { createLogger } from '../../src/logger.js';

let w: FinancingWorld;
let receiver: WebhookReceiver;
let dispatcher: WebhookDispatcher;
beforeAll(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
  w = await financingWorld(120, { webhookUrl: receiver.url });
  receiver.secret = w.bank.webhookSecret;
  dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 2_000, webhookPollMs: 20 }, createLogger('silent'));
  dispatcher.start();
}, 60_000);
afterAll(async () => {
  await dispatcher?.stop();
  await w?.close();
  await receiver?.stop();
});

const submit = async (contractNo: string, uscc: string, parts?: string[], amount = 10_000_000) => {
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: contractNo, product_id: w.productId, requested_amount: amount, consent: consentFor(30, parts) },
    { headers: await w.supplier(uscc) },
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
};

describe(`events and Standard Webhooks on ${testDatabaseKind}`, () => {
  let id: string;
  let id2: string;

  it('sends each lifecycle and contract event to the entitled bank, verified by the standardwebhooks library', async () => {
    const [a, b] = await w.financeable(2);
    id = await submit(a!.contractNo, a!.uscc);
    id2 = await submit(b!.contractNo, b!.uscc, ['contract', 'acceptances']);
    await receiver.until(() => receiver.ofType('application.submitted').length === 2);
    const submitted = receiver.ofType('application.submitted').find((e) => e.data.application_id === id)!;
    expect(submitted.data).toMatchObject({ contract_no: a!.contractNo, requested_amount: 10_000_000 });
    expect([...(submitted.data.consent_parts as string[])].sort()).toEqual(['acceptances', 'contract', 'payments', 'risk_flags']);
    expect(submitted.data).not.toHaveProperty('institution_id');

    for (const app of [id, id2]) {
      const approved = await w.as(w.bank, 'POST', `/api/v1/applications/${app}/decision`, approval(10_000_000));
      expect(approved.body.status).toBe('account_locked');
    }
    const disbursed = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'ZCD-EVT-1', amount: 10_000_000, disbursed_on: '2026-07-02' });
    expect(disbursed.status).toBe(200);
    await receiver.until(() => receiver.ofType('account_lock.confirmed').length === 2 && receiver.ofType('financing.disbursed').length === 1);

    // The treasury pays; the sync fans the payments out to the bank whose consent covers them.
    await w.sandbox.advanceClock(400 * 86_400_000);
    await w.gw.sync.runOnce();
    const paidRows = (await w.gw.db('payments').where({ contract_no: a!.contractNo }).orderBy('paid_at')) as { amount_fen: number | string }[];
    expect(paidRows.length).toBeGreaterThan(0);
    await receiver.until(() => receiver.ofType('payment.received').length === paidRows.length);
    const payments = receiver.ofType('payment.received');
    expect(payments.every((p) => p.data.application_id === id)).toBe(true);
    const unpaid = (await w.as(w.bank, 'GET', `/api/v1/applications/${id}/payments`)).body.unpaid as number;
    expect(Math.min(...payments.map((p) => p.data.contract_unpaid as number))).toBe(unpaid);
    for (const p of payments) expect(p.data).toMatchObject({ loan_no: 'ZCD-EVT-1', loan_outstanding: 10_000_000 });
    const amounts = (xs: number[]) => [...xs].sort((x, y) => x - y);
    expect(amounts(payments.map((p) => (p.data.payment as { amount: number }).amount))).toEqual(amounts(paidRows.map((r) => Number(r.amount_fen))));

    // The second application's consent has no `payments`: its contract was paid too, and no payment event reached the bank.
    expect(Number((await w.gw.db('payments').where({ contract_no: b!.contractNo }).count({ n: '*' }).first())!.n)).toBeGreaterThan(0);
    expect(payments.some((p) => p.data.application_id === id2)).toBe(false);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
  }, 60_000);

  it('serves the same events in the pull feed, in order, and only to their institution', async () => {
    const all: { id: string; type: string }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await w.as(w.bank, 'GET', `/api/v1/events?limit=3${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      after = page.body.next_after;
      if (!page.body.has_more) break;
    }
    expect(new Set(all.map((e) => e.id))).toEqual(new Set(receiver.events.keys()));
    for (const e of all) expect(JSON.stringify(e)).toBe(receiver.events.get(e.id)!.body);
    const empty = await w.as(w.bank, 'GET', `/api/v1/events?after=${after}`);
    expect(empty.body).toEqual({ items: [], next_after: after, has_more: false });

    const other = await w.anotherBank();
    expect((await w.as(other.bank, 'GET', '/api/v1/events')).body.items).toEqual([]);
    expect((await w.as(other.bank, 'POST', `/api/v1/events/${all[0]!.id}/redeliver`)).status).toBe(404);
    expect((await w.as(w.bank, 'GET', '/api/v1/events?after=abc')).status).toBe(400);
  });

  it('is refused by the library when tampered with or 6 minutes old, and deduplicated by webhook-id', async () => {
    const req = receiver.requests.find((r) => r.verified)!;
    const before = receiver.events.size;
    expect(receiver.handle(req.headers, req.body.replace('"data":{', '"data":{"x":1,'))).toBe(400);
    const old = String(Math.floor(Date.now() / 1000) - 360);
    const resigned = { ...req.headers, 'webhook-timestamp': old, 'webhook-signature': webhookSignature([w.bank.webhookSecret], req.id, Number(old), req.body) };
    expect(receiver.handle(resigned, req.body)).toBe(400);
    expect(() => new Webhook(w.bank.webhookSecret).verify(req.body, resigned)).toThrow(/timestamp/i);
    // A replay: the library accepts the still-fresh signature; the receiver processes each id once.
    const fresh = String(Math.floor(Date.now() / 1000));
    const replay = { ...req.headers, 'webhook-timestamp': fresh, 'webhook-signature': webhookSignature([w.bank.webhookSecret], req.id, Number(fresh), req.body) };
    expect(receiver.handle(replay, req.body)).toBe(204);
    expect(receiver.replays).toContain(req.id);
    expect(receiver.events.size).toBe(before);
  });

  it('lists attempts, honours Retry-After, retries after a redirect, stops on 410 and redelivers on request', async () => {
    receiver.script.push({ status: 503, headers: { 'retry-after': '120' } });
    const revoked = await w.gw.client.post(`/api/v1/supplier/applications/${id2}/consent/revoke`, {}, { headers: await w.supplier((await w.gw.db('applications').where({ id: id2 }).first()).supplier_uscc) });
    expect(revoked.status).toBe(200);
    await receiver.until(() => receiver.requests.some((r) => JSON.parse(r.body).type === 'consent.revoked'));
    const eventId = receiver.requests.find((r) => JSON.parse(r.body).type === 'consent.revoked')!.id;
    let d = await w.as(w.bank, 'GET', `/api/v1/webhook-deliveries?event_id=${eventId}`);
    await receiver.until(() => true);
    for (let i = 0; i < 50 && d.body.items[0].attempt_log.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      d = await w.as(w.bank, 'GET', `/api/v1/webhook-deliveries?event_id=${eventId}`);
    }
    const item = d.body.items[0];
    expect(item).toMatchObject({ event_id: eventId, event_type: 'consent.revoked', status: 'pending', attempts: 1 });
    expect(item.attempt_log[0]).toMatchObject({ attempt: 1, status_code: 503, outcome: 'retry', error: null });
    expect(Date.parse(item.next_attempt_at) - Date.now()).toBeGreaterThan(100_000);

    // Redelivery on request: at once, same id, delivered.
    const again = await w.as(w.bank, 'POST', `/api/v1/events/${eventId}/redeliver`);
    expect(again.status).toBe(202);
    await receiver.until(() => receiver.events.has(eventId));
    expect(receiver.requests.filter((r) => r.id === eventId).length).toBe(2);

    // A redirect is not followed: it is a failed attempt.
    receiver.script.push({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const r1 = await w.as(w.bank, 'POST', `/api/v1/events/${eventId}/redeliver`);
    expect(r1.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      d = await w.as(w.bank, 'GET', `/api/v1/webhook-deliveries?event_id=${eventId}`);
      if (d.body.items[0].attempt_log.at(-1).status_code === 302) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(d.body.items[0].attempt_log.at(-1)).toMatchObject({ status_code: 302, outcome: 'retry' });

    // 410 disables the endpoint: nothing more is sent until the bank asks for a redelivery.
    receiver.script.push({ status: 410 });
    await w.as(w.bank, 'POST', `/api/v1/events/${eventId}/redeliver`);
    await receiver.until(() => receiver.script.length === 0);
    for (let i = 0; i < 100; i++) {
      d = await w.as(w.bank, 'GET', `/api/v1/webhook-deliveries?event_id=${eventId}`);
      if (d.body.items[0].status === 'failed') break;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(d.body.items[0].attempt_log.at(-1)).toMatchObject({ status_code: 410, outcome: 'disabled' });
    const sent = receiver.requests.length;
    const withdrawn = await w.as(w.bank, 'POST', `/api/v1/applications/${id2}/cancel`, { reason_code: 'other' });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.length).toBe(sent);
    await w.as(w.bank, 'POST', `/api/v1/events/${eventId}/redeliver`);
    await receiver.until(() => receiver.ofType('application.cancelled').length === 1);
  }, 30_000);

  it('signs with both secrets during a rotation overlap', async () => {
    const old = w.bank.webhookSecret;
    const next = newWebhookSecret();
    expect(await w.gw.events.rotateSecret(w.bank.clientId, next, Date.now() + 3_600_000, Date.now())).toBe(true);
    const [c] = await w.financeable(1);
    await submit(c!.contractNo, c!.uscc, undefined, 1_000_000);
    await receiver.until(() => receiver.ofType('application.submitted').length === 3);
    const last = receiver.requests.at(-1)!;
    expect(last.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(next).verify(last.body, last.headers)).not.toThrow();
    expect(() => new Webhook(old).verify(last.body, last.headers)).not.toThrow();
  });
});

describe('webhook delivery rules', () => {
  it('refuses plain http and private addresses in production mode', async () => {
    const sender = new WebhookSender({ allowPrivate: false, timeoutMs: 1_000 });
    expect((await sender.send('http://bank.example/hooks', {}, '{}')).error).toMatch(/https/);
    expect((await sender.send('https://127.0.0.1/hooks', {}, '{}')).error).toMatch(/private/);
    expect((await sender.send('https://169.254.169.254/latest', {}, '{}')).error).toMatch(/private/);
    expect((await sender.send('https://[::1]/hooks', {}, '{}')).error).toMatch(/private/);
  });
  it('retries at about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, then gives up', () => {
    expect(RETRY_SCHEDULE_MS.map((_, i) => retryDelay(i + 1, undefined, () => 0))).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5]);
    expect(retryDelay(10)).toBeUndefined();
    expect(retryDelay(1, 60_000, () => 0)).toBe(60_000);
    expect(retryDelay(2, 1_000, () => 0)).toBe(300_000);
  });
});
