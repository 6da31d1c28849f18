import { epochMs, systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { AttemptOutcome, ClaimedDelivery, Endpoint, EventsStore } from './events-store.js';
import { retryDelay } from './retry-schedule.js';
import { WebhookSender } from './webhook-sender.js';
import { webhookSignature } from './webhook-signature.js';

/** Settings of a dispatcher. */
export interface DispatcherOptions {
  /** Wait between polls when nothing was due. */
  pollMs: number;
  /** Deliveries claimed (and sent concurrently) per round. */
  batchSize: number;
  /** How long a claim lasts; longer than the send timeout, so a claim never expires while its send runs. */
  leaseMs: number;
  /**
   * How long a wake-up waits for more events before the round starts: the events of requests that arrive
   * together go out in one claim and one recorded batch, not one round each.
   */
  wakeDelayMs: number;
}

/** What one round did. */
export interface DispatchRound {
  claimed: number;
  delivered: number;
}

/**
 * Sends due webhook deliveries: claims a batch, signs and POSTs each, records the attempt, schedules the retry.
 * Several dispatchers (processes) may share a PostgreSQL database; each delivery attempt is claimed by one.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  /** The coming wake-up, while `wake()` calls gather. */
  private wakeTimer: NodeJS.Timeout | undefined;
  /** A wake-up came while a round ran: the loop starts the next one at once instead of waiting. */
  private woken = false;

  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: Pick<EventsStore, 'claim' | 'endpoints' | 'complete'>;
      sender: WebhookSender;
      logger: Logger;
      options: DispatcherOptions;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  private now(): number {
    return epochMs(this.clock);
  }

  /** Starts polling; a round that found a full batch is followed at once by the next. */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      while (!this.stopped) {
        // This round claims everything written before it starts; only a wake-up after that counts.
        this.woken = false;
        let round: DispatchRound = { claimed: 0, delivered: 0 };
        try {
          round = await this.runOnce();
        } catch (err) {
          this.deps.logger.error({ err }, 'webhook dispatch round failed');
        }
        if (this.stopped) break;
        if (round.claimed < this.deps.options.batchSize && !this.woken) {
          await new Promise<void>((resolve) => {
            this.wakeUp = resolve;
            this.timer = setTimeout(resolve, this.deps.options.pollMs);
          });
          this.wakeUp = undefined;
        }
      }
    };
    this.running = loop();
  }

  /**
   * Polls soon instead of at the end of the current wait (right after an event was written): within
   * `wakeDelayMs`, so that every event written meanwhile goes out in the same round.
   */
  wake(): void {
    this.wakeTimer ??= setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeNow();
    }, this.deps.options.wakeDelayMs);
  }

  private wakeNow(): void {
    this.woken = true;
    clearTimeout(this.timer);
    this.wakeUp?.();
  }

  /** Stops after the round in flight; its sends finish and are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeNow();
    await this.running;
  }

  /** Claims one batch of due deliveries, sends them, and records every attempt of the batch in one transaction. */
  async runOnce(): Promise<DispatchRound> {
    const claimed = await this.deps.store.claim(this.now(), this.deps.options.batchSize, this.deps.options.leaseMs);
    if (claimed.length === 0) return { claimed: 0, delivered: 0 };
    const endpoints = await this.deps.store.endpoints(claimed.map((c) => c.institutionId), this.now());
    const outcomes = await Promise.all(claimed.map((c) => this.deliver(c, endpoints.get(c.institutionId))));
    try {
      await this.deps.store.complete(outcomes);
    } catch (err) {
      // The claims' leases run out and a later round sends them again (receivers deduplicate by webhook-id).
      this.deps.logger.warn({ err, deliveries: claimed.length }, 'recording webhook attempts failed');
      return { claimed: claimed.length, delivered: 0 };
    }
    return { claimed: claimed.length, delivered: outcomes.filter((o) => o.next.status === 'delivered').length };
  }

  /** Runs rounds until nothing is due; for `zcd deliver --once` and tests. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const r = await this.runOnce();
      delivered += r.delivered;
      if (r.claimed === 0) return delivered;
    }
  }

  /** Sends one claimed delivery; what to record of it. */
  private async deliver(c: ClaimedDelivery, endpoint: Endpoint | undefined): Promise<AttemptOutcome> {
    const startedAt = this.now();
    if (!endpoint?.url || !endpoint.active) {
      const attempt = { url: endpoint?.url ?? '', startedAt, durationMs: 0, statusCode: null, error: endpoint?.url ? 'institution_not_active' : 'no_webhook_url', outcome: 'failed' as const };
      return { claim: c, attempt, next: { status: 'not_sent', nextAttemptAt: null } };
    }
    const timestamp = Math.floor(startedAt / 1000);
    const headers = {
      'webhook-id': c.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(endpoint.secrets, c.id, timestamp, c.body),
    };
    const r = await this.deps.sender.send(endpoint.url, headers, c.body, this.clock);
    const attempt = { url: endpoint.url, startedAt, durationMs: r.durationMs, statusCode: r.status ?? null, error: r.error ?? null };
    if (r.status !== undefined && r.status >= 200 && r.status < 300) {
      return { claim: c, attempt: { ...attempt, outcome: 'delivered' }, next: { status: 'delivered', nextAttemptAt: null, deliveredAt: this.now() } };
    }
    if (r.status === 410) {
      // 410 Gone: the receiver asks us to stop. The endpoint is off until the institution asks for a redelivery.
      this.deps.logger.warn({ institution: c.institutionId }, 'webhook endpoint answered 410: disabled');
      return { claim: c, attempt: { ...attempt, outcome: 'disabled' }, next: { status: 'failed', nextAttemptAt: null, disableEndpoint: 'gone' } };
    }
    const delay = retryDelay(c.attempt, r.retryAfterMs);
    if (delay === undefined) {
      this.deps.logger.warn({ institution: c.institutionId, delivery: c.id }, 'webhook delivery failed after the last retry');
      return { claim: c, attempt: { ...attempt, outcome: 'failed' }, next: { status: 'failed', nextAttemptAt: null } };
    }
    return { claim: c, attempt: { ...attempt, outcome: 'retry' }, next: { status: 'pending', nextAttemptAt: this.now() + delay } };
  }
}

/** A dispatcher on `store` with the settings of `config` (`zcd serve`, `zcd deliver`, tests). */
export function createDispatcher(
  store: Pick<EventsStore, 'claim' | 'endpoints' | 'complete'>,
  config: { webhookAllowPrivate: boolean; webhookTimeoutMs: number; webhookPollMs: number },
  logger: Logger,
  o: { batchSize?: number; wakeDelayMs?: number; clock?: Clock } = {},
): WebhookDispatcher {
  return new WebhookDispatcher({
    store,
    sender: new WebhookSender({ allowPrivate: config.webhookAllowPrivate, timeoutMs: config.webhookTimeoutMs }),
    logger,
    // The lease outlasts the hard send timeout, so a claim never lapses while its POST is still running.
    // 50 ms of gathering: at 200 events a second, one round of about ten instead of ten rounds.
    options: { pollMs: config.webhookPollMs, batchSize: o.batchSize ?? 32, leaseMs: config.webhookTimeoutMs + 5_000, wakeDelayMs: o.wakeDelayMs ?? 50 },
    ...(o.clock ? { clock: o.clock } : {}),
  });
}
