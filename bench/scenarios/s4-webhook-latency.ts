import { notAvailable, type Scenario } from './scenario.js';

/** Events S4 measures. */
export const S4_EVENTS = 1_000;

/**
 * S4: an upstream payment on a financed contract → the signed `payment.received` webhook at the bank's
 * local receiver ({@link WebhookReceiver}, verifying the Standard Webhooks signature); p50/p99 latency
 * over {@link S4_EVENTS} events.
 *
 * Needs webhook delivery (issue 6: `zcd deliver`, the dispatcher in `zcd serve`) and a way to make the
 * sandbox cloud pay a contract. Until both are in the build the row is n/a; the receiver and the
 * percentile arithmetic are in place, the trigger is wired when the sandbox's payment command exists.
 */
export const s4: Scenario = {
  id: 'S4',
  title: 'upstream payment → signed webhook',
  target: 'gateway',
  run: async (ctx) => {
    const zcd = ctx.gateway!.zcd;
    if (!(await zcd.has('deliver'))) return notAvailable('needs webhook delivery (`zcd deliver`, issue 6)');
    if (!(await zcd.has('sandbox', 'pay'))) return notAvailable('needs a sandbox payment trigger (`zcd sandbox pay`, issue 4/6)');
    return notAvailable('webhook delivery present, but S4 is not yet wired to its payment trigger');
  },
};
