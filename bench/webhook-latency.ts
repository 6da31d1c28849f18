/**
 * Upstream payment → signed webhook at a local receiver, end to end: the procurement cloud pushes a signed
 * notification of a payment on a financed contract; the gateway ingests it, fans it out in the same transaction,
 * and the dispatcher (default poll interval) signs and POSTs `payment.received`; the receiver verifies it with the
 * stock `standardwebhooks` library. Prints p50/p90/p99/max.
 *
 *   npx tsx bench/webhook-latency.ts [N]          (SQLite)
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/webhook-latency.ts [N]
 */
import { approval, consentFor, financingWorld } from '../test/helpers/financing.js';
import { WebhookReceiver } from '@zcd-gateway/client';
import { createDispatcher } from '../src/features/events/webhook-dispatcher.js';
import { createLogger } from '../src/logger.js';
import { percentile } from './lib/percentile.js';

const N = Number(process.argv[2] ?? 200);
const receiver = new WebhookReceiver();
await receiver.start();
const w = await financingWorld(40, { webhookUrl: receiver.url });
receiver.secret = w.bank.webhookSecret;
const dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 10_000, webhookPollMs: 100 }, createLogger('silent'));
dispatcher.start();
try {
  const [c] = await w.financeable(1);
  const applied = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: c!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: await w.supplier(c!.uscc) },
  );
  const id = applied.body.id as string;
  await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000));
  await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'LAT-1', amount: 1_000_000, disbursed_on: '2026-07-02' });

  const latencies: number[] = [];
  for (let i = 0; i < N; i++) {
    const paymentId = `LAT-${process.pid}-${i}`;
    const now = new Date().toISOString();
    const jws = await w.sandbox.signNotification([
      { type: 'payment.made', changeId: `chg-lat-${process.pid}-${i}`, occurredAt: now, payment: { paymentId, contractNo: c!.contractNo, amountFen: 1, paidAt: now } },
    ]);
    // A random gap, so the payments land at every phase of the dispatcher's poll.
    await new Promise((r) => setTimeout(r, Math.random() * 100));
    const t0 = performance.timeOrigin + performance.now();
    const res = await w.gw.client.post('/api/v1/upstream/notifications', { jws });
    if (res.status !== 200) throw new Error(`notification: ${res.status} ${res.text}`);
    await receiver.until(() => receiver.ofType('payment.received').some((e) => (e.data.payment as { id: string }).id === paymentId), 10_000);
    const got = receiver.ofType('payment.received').find((e) => (e.data.payment as { id: string }).id === paymentId)!;
    latencies.push(got.at - t0);
  }
  const f = (p: number) => `${percentile(latencies, p).toFixed(1)} ms`;
  console.log(`upstream payment → verified payment.received webhook, ${N} payments on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}:`);
  console.log(`  p50 ${f(50)}   p90 ${f(90)}   p99 ${f(99)}   max ${f(100)}`);
} finally {
  await dispatcher.stop();
  await w.close();
  await receiver.stop();
}
