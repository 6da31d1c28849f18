import type { Logger } from '../../logger.js';
import type { ClaimedDelivery, KnexEventsStore } from './events-knex-store.js';
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

  constructor(
    private readonly deps: {
      store: KnexEventsStore;
      sender: WebhookSender;
      logger: Logger;
      options: DispatcherOptions;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Starts polling; a round that found a full batch is followed at once by the next. */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      while (!this.stopped) {
        let round: DispatchRound = { claimed: 0, delivered: 0 };
        try {
          round = await this.runOnce();
        } catch (err) {
          this.deps.logger.error({ err }, 'webhook dispatch round failed');
        }
        if (this.stopped) break;
        if (round.claimed < this.deps.options.batchSize) {
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

  /** Polls now instead of at the end of the current wait (e.g. right after an event was written). */
  wake(): void {
    clearTimeout(this.timer);
    this.wakeUp?.();
  }

  /** Stops after the round in flight; its sends finish and are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /** Claims one batch of due deliveries and sends them. */
  async runOnce(): Promise<DispatchRound> {
    const claimed = await this.deps.store.claim(this.now(), this.deps.options.batchSize, this.deps.options.leaseMs);
    if (claimed.length === 0) return { claimed: 0, delivered: 0 };
    const endpoints = await this.deps.store.endpoints(claimed.map((c) => c.institutionId), this.now());
    const outcomes = await Promise.all(
      claimed.map((c) =>
        this.deliver(c, endpoints.get(c.institutionId)).catch((err: unknown) => {
          // The claim's lease runs out and another round retries it.
          this.deps.logger.warn({ err, delivery: c.id }, 'recording a webhook attempt failed');
          return false;
        }),
      ),
    );
    return { claimed: claimed.length, delivered: outcomes.filter(Boolean).length };
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

  private async deliver(c: ClaimedDelivery, endpoint: { url: string | null; secrets: string[]; active: boolean } | undefined): Promise<boolean> {
    const startedAt = this.now();
    if (!endpoint?.url || !endpoint.active) {
      await this.deps.store.complete(
        c,
        { url: endpoint?.url ?? '', startedAt, durationMs: 0, statusCode: null, error: endpoint?.url ? 'institution_not_active' : 'no_webhook_url', outcome: 'failed' },
        { status: 'not_sent', nextAttemptAt: null },
      );
      return false;
    }
    const timestamp = Math.floor(startedAt / 1000);
    const headers = {
      'webhook-id': c.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(endpoint.secrets, c.id, timestamp, c.body),
    };
    const r = await this.deps.sender.send(endpoint.url, headers, c.body, () => this.now());
    const attempt = { url: endpoint.url, startedAt, durationMs: r.durationMs, statusCode: r.status ?? null, error: r.error ?? null };
    if (r.status !== undefined && r.status >= 200 && r.status < 300) {
      await this.deps.store.complete(c, { ...attempt, outcome: 'delivered' }, { status: 'delivered', nextAttemptAt: null, deliveredAt: this.now() });
      return true;
    }
    if (r.status === 410) {
      // 410 Gone: the receiver asks us to stop. The endpoint is off until the institution asks for a redelivery.
      await this.deps.store.complete(c, { ...attempt, outcome: 'disabled' }, { status: 'failed', nextAttemptAt: null, disableEndpoint: 'gone' });
      this.deps.logger.warn({ institution: c.institutionId }, 'webhook endpoint answered 410: disabled');
      return false;
    }
    const delay = retryDelay(c.attempt, r.retryAfterMs);
    if (delay === undefined) {
      await this.deps.store.complete(c, { ...attempt, outcome: 'failed' }, { status: 'failed', nextAttemptAt: null });
      this.deps.logger.warn({ institution: c.institutionId, delivery: c.id }, 'webhook delivery failed after the last retry');
    } else {
      await this.deps.store.complete(c, { ...attempt, outcome: 'retry' }, { status: 'pending', nextAttemptAt: this.now() + delay });
    }
    return false;
  }
}

/** A dispatcher on `store` with the settings of `config` (`zcd serve`, `zcd deliver`, tests). */
export function createDispatcher(
  store: KnexEventsStore,
  config: { webhookAllowPrivate: boolean; webhookTimeoutMs: number; webhookPollMs: number },
  logger: Logger,
  o: { batchSize?: number; now?: () => number } = {},
): WebhookDispatcher {
  return new WebhookDispatcher({
    store,
    sender: new WebhookSender({ allowPrivate: config.webhookAllowPrivate, timeoutMs: config.webhookTimeoutMs }),
    logger,
    // The lease outlasts the hard send timeout, so a claim never lapses while its POST is still running.
    options: { pollMs: config.webhookPollMs, batchSize: o.batchSize ?? 32, leaseMs: config.webhookTimeoutMs + 5_000 },
    ...(o.now ? { now: o.now } : {}),
  });
}
