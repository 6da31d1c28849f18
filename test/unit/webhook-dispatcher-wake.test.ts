import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { AttemptOutcome, ClaimedDelivery, Endpoint } from '../../src/features/events/events-store.js';
import { WebhookDispatcher } from '../../src/features/events/webhook-dispatcher.js';
import type { WebhookSender } from '../../src/features/events/webhook-sender.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose queue the test fills; it counts claim rounds and what each carried. */
class QueueStore {
  due: ClaimedDelivery[] = [];
  rounds: number[] = [];
  recorded: AttemptOutcome[][] = [];
  claimDelayMs = 0;

  async claim(_now: number, limit: number): Promise<ClaimedDelivery[]> {
    // The claim reads the queue at once; its answer comes back after the delay.
    const batch = this.due.splice(0, limit);
    this.rounds.push(batch.length);
    if (this.claimDelayMs) await sleep(this.claimDelayMs);
    return batch;
  }

  async endpoints(ids: readonly string[]): Promise<Map<string, Endpoint>> {
    return new Map(ids.map((id) => [id, { url: 'https://bank.example/hooks', active: true, secrets: ['whsec_' + 'a'.repeat(32)] } as Endpoint]));
  }

  async complete(outcomes: AttemptOutcome[]): Promise<void> {
    this.recorded.push(outcomes);
  }
}

const sender = { send: async () => ({ status: 204, durationMs: 1 }) } as unknown as WebhookSender;
const delivery = (i: number): ClaimedDelivery => ({ id: `evt_${i}`, institutionId: 'ins_a', body: '{}', attempt: 1, claimToken: `c${i}` });

// The gathering window is a matter of milliseconds: on the timers' own clock, not the machine's, so that a
// busy machine (two test files at once) cannot stretch a 1 ms pause past the 20 ms window.
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let dispatcher: WebhookDispatcher | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  const stopping = dispatcher?.stop();
  await vi.runOnlyPendingTimersAsync();
  await stopping;
  dispatcher = undefined;
  vi.useRealTimers();
});

function start(store: QueueStore, wakeDelayMs: number): WebhookDispatcher {
  // A poll far beyond the test: every round after the first comes from a wake-up.
  dispatcher = new WebhookDispatcher({ store, sender, logger: createLogger('silent'), options: { pollMs: 60_000, batchSize: 32, leaseMs: 30_000, wakeDelayMs } });
  dispatcher.start();
  return dispatcher;
}

describe('the webhook dispatcher woken by new events', () => {
  it('sends the events of requests that arrive together in one round, not one round each', async () => {
    const store = new QueueStore();
    const d = start(store, 20);
    await pass(10);
    expect(store.rounds).toEqual([0]);
    for (let i = 0; i < 8; i++) {
      store.due.push(delivery(i));
      d.wake();
      await pass(1);
    }
    await pass(60);
    expect(store.rounds).toEqual([0, 8]);
    expect(store.recorded.map((batch) => batch.map((o) => o.claim.id))).toEqual([Array.from({ length: 8 }, (_, i) => `evt_${i}`)]);
    expect(store.recorded[0]!.every((o) => o.next.status === 'delivered')).toBe(true);
  });

  it('does not lose a wake-up that comes while a round runs: the next round follows at once', async () => {
    const store = new QueueStore();
    store.claimDelayMs = 30;
    const d = start(store, 0);
    await pass(5);
    // The first round is still claiming: this event was written after its claim read the queue.
    store.due.push(delivery(1));
    d.wake();
    await pass(150);
    expect(store.rounds).toEqual([0, 1]);
    expect(store.recorded.flat().map((o) => o.claim.id)).toEqual(['evt_1']);
  });
});
