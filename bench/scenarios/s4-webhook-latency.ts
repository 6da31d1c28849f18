import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { parseDatabaseUrl } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
import { must } from '@zcd-gateway/client';
import { mb } from '../lib/rss.js';
import { percentile } from '../lib/percentile.js';
import { financingFixture } from './financing-fixture.js';
import { notAvailable, type Scenario } from './scenario.js';

/** Events S4 measures. */
export const S4_EVENTS = 1_000;
/** Payments pushed per second: a steady stream, well under what the gateway ingests. */
const RATE_PER_SECOND = 50;

/**
 * S4: an upstream payment on a financed contract → the signed `payment.received` webhook at the bank's
 * local receiver (which verifies the Standard Webhooks signature); p50/p99 over {@link S4_EVENTS} events.
 * The procurement cloud is played by the sandbox's own signer: each payment is pushed, signed, to
 * `POST /api/v1/upstream/notifications`, and timed from the push to the verified delivery.
 */
export const s4: Scenario = {
  id: 'S4',
  title: 'upstream payment → signed webhook',
  target: 'gateway',
  run: async (ctx) => {
    const gw = ctx.gateway!;
    if (!(await gw.zcd.has('deliver'))) return notAvailable('needs webhook delivery (`zcd deliver`, issue 6)');
    const fixture = await financingFixture(ctx);
    if ('status' in fixture) return fixture;
    const db = createDb(parseDatabaseUrl(gw.db.url));
    try {
      const sandbox = new SandboxCloud(db);
      const id = fixture.bearerApplicationId;
      const app = await db('applications').where({ id }).first();
      const product = await db('products').where({ id: app.product_id }).first();
      await sandbox.configureAccountChange(app.contract_no, 'confirm');
      ctx.progress('S4: approving and disbursing the Bearer bank\'s application');
      const bank = gw.clients.bank.api;
      const path = { applicationId: id };
      const approved = must(
        await bank.POST('/api/v1/applications/{applicationId}/decision', {
          params: { path },
          body: {
            decision: 'approve',
            amount: Number(app.requested_amount_fen),
            annual_rate_bp: Number(product.rate_min_bp),
            term_days: Number(product.term_min_days),
            collection_account: { bank_name: '基准测试银行', account_name: '基准测试回款专户', account_number: '6222000011112222' },
          },
        }),
        'decideApplication',
      );
      if (approved.status !== 'account_locked') return notAvailable(`the lock was not confirmed (${String(approved.status)})`);
      must(
        await bank.POST('/api/v1/applications/{applicationId}/disbursements', {
          params: { path },
          body: { loan_no: 'BENCH-S4', amount: Number(app.requested_amount_fen), disbursed_on: '2026-07-02' },
        }),
        'createDisbursement',
      );

      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      const seen = new Set<string>();
      const collect = () => {
        for (const d of gw.webhooks.deliveries) {
          const body = d.body as { type?: string; data?: { payment?: { id?: string } } };
          const pid = body.type === 'payment.received' ? body.data?.payment?.id : undefined;
          if (!pid || seen.has(pid) || !sentAt.has(pid)) continue;
          seen.add(pid);
          latencies.push(d.receivedAt - sentAt.get(pid)!);
        }
      };
      const url = `${gw.server.url}/api/v1/upstream/notifications`;
      const run = `${process.pid}-${Date.now()}`;
      const gap = 1000 / RATE_PER_SECOND;
      const start = performance.now();
      for (let i = 0; i < S4_EVENTS; i++) {
        const paymentId = `S4-${run}-${i}`;
        const now = new Date().toISOString();
        const jws = await sandbox.signNotification([
          { type: 'payment.made', changeId: `chg-${paymentId}`, occurredAt: now, payment: { paymentId, contractNo: app.contract_no, amountFen: 1, paidAt: now } },
        ]);
        const wait = start + i * gap - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sentAt.set(paymentId, performance.timeOrigin + performance.now());
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jws }) });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`notification ${i}: ${res.status}`);
        if (i % 200 === 199) ctx.progress(`S4: ${i + 1}/${S4_EVENTS} payments pushed`);
      }
      const deadline = performance.now() + 30_000;
      while (seen.size < S4_EVENTS && performance.now() < deadline) {
        collect();
        await gw.webhooks.next(500);
      }
      collect();
      const lost = S4_EVENTS - latencies.length;
      return {
        status: 'measured',
        requests: S4_EVENTS,
        errors: lost + gw.webhooks.rejected,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        peakRssMb: mb(gw.rss.currentWindowPeak),
        note: `${latencies.length} of ${S4_EVENTS} payment.received webhooks verified, pushed at ${RATE_PER_SECOND}/s`,
      };
    } finally {
      await db.destroy();
    }
  },
};
