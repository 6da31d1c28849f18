import { CloudProtocolError, CloudSignatureError, CloudUnavailableError, type ChangeEntry, type ChangePage, type ProcurementCloud } from '../../../adapters/procurement-cloud.js';
import { epochMs, systemClock, type Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import type { Transactional } from '../../transactional.js';
import { planIngest } from './ingest.js';
import type { SyncStore, SyncUnit } from './sync-store.js';

/** The cursor row of the cloud's change feed. */
export const FEED_SOURCE = 'procurement_cloud';

/** Where pushed notifications are recorded as coming from. */
export const NOTIFICATION_SOURCE = 'cloud_notification';

/** 401: a pushed notification whose signature, issuer or age is not acceptable. */
export class NotificationSignatureError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(401, 'invalid_notification_signature', 'The notification is not signed by the procurement cloud.');
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * 503: the notification could not be checked because the cloud's keys could not be had (the cloud unreachable,
 * its breaker open, or its JWKS unreadable). Nothing was applied; the cloud may push it again after Retry-After.
 */
export class NotificationUnverifiableError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'upstream_unavailable', "The cloud's signing keys could not be fetched to check the notification; push it again later.", {}, { 'Retry-After': '30' });
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** What one batch did. */
export interface IngestResult {
  applied: number;
  skipped: number;
  quarantined: number;
}

/** Progress of a sync pass, reported after every page. */
export interface SyncProgress extends IngestResult {
  pages: number;
  cursor: string | undefined;
  /** Changes the cloud still holds after this page, when it says. */
  remaining: number | undefined;
}

/** Brings the cloud's changes into the gateway: page by page, each page one transaction with its cursor. */
export class SyncService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      /** Reads outside a page's transaction (the cursor a pass starts from). */
      store: Pick<SyncStore, 'cursor'>;
      /** A page's transaction: the sync's store and the outbox, bound to it. */
      transactional: Transactional<SyncUnit>;
      cloud: ProcurementCloud;
      pageSize: number;
      clock?: Clock;
      onIngest?: (source: string, result: IngestResult) => void;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Applies a batch in the caller's transaction: the shared ingest path of the feed and of notifications. */
  private async ingest({ store, outbox }: SyncUnit, entries: readonly ChangeEntry[], source: string): Promise<IngestResult> {
    const changeIds = entries.flatMap((e) => (e.ok ? [e.change.changeId] : []));
    const flagIds = entries.flatMap((e) => (e.ok && e.change.type === 'supplier_risk_flag.lifted' ? [e.change.flagId] : []));
    const [known, appliedChangeIds] = await Promise.all([store.context(entries, flagIds), outbox.recorded(changeIds)]);
    const plan = planIngest(entries, { ...known, appliedChangeIds }, source);
    await store.write(plan, epochMs(this.clock));
    await outbox.recordChanges(plan.events);
    const result = { applied: plan.applied, skipped: plan.skipped, quarantined: plan.quarantine.length };
    this.deps.onIngest?.(source, result);
    return result;
  }

  /** Applies the changes of a notification the cloud pushed (a JWS it signed), in one transaction; idempotent by change id. */
  async receiveNotification(jws: string): Promise<IngestResult> {
    let entries: ChangeEntry[];
    try {
      entries = await this.deps.cloud.readNotification(jws);
    } catch (err) {
      if (err instanceof CloudSignatureError) throw new NotificationSignatureError({ cause: err });
      // A verification that could not run is not the sender's fault, nor a failure of ours: 503, retry later.
      if (err instanceof CloudUnavailableError || err instanceof CloudProtocolError) throw new NotificationUnverifiableError({ cause: err });
      throw err;
    }
    return this.deps.transactional((unit) => this.ingest(unit, entries, NOTIFICATION_SOURCE));
  }

  /** One pass over the feed until the cloud has nothing more; stops between pages when `signal` aborts. */
  async runOnce(opts: { onProgress?: (p: SyncProgress) => void; signal?: AbortSignal } = {}): Promise<SyncProgress> {
    const { cloud, pageSize } = this.deps;
    const total: SyncProgress = { pages: 0, applied: 0, skipped: 0, quarantined: 0, cursor: await this.deps.store.cursor(FEED_SOURCE), remaining: undefined };
    let prefetched: Promise<ChangePage> | undefined;
    try {
      while (!opts.signal?.aborted) {
        const cursor = total.cursor;
        const page = await (prefetched ?? cloud.listChanges(cursor, pageSize));
        prefetched = undefined;
        if (page.hasMore) {
          // Read the next page while this one is written; it is only a read, dropped if the cursor moves otherwise.
          prefetched = cloud.listChanges(page.nextCursor, pageSize);
          prefetched.catch(() => undefined);
        }
        const moved = await this.deps.transactional(async (unit) => {
          // Another gateway instance may have applied this page meanwhile: then start again from its cursor.
          const current = await unit.store.cursor(FEED_SOURCE, true);
          if (current !== cursor) return { current };
          const result = await this.ingest(unit, page.entries, FEED_SOURCE);
          await unit.store.setCursor(FEED_SOURCE, page.nextCursor, epochMs(this.clock));
          return { current: page.nextCursor, result };
        });
        total.cursor = moved.current;
        if (!moved.result) {
          prefetched = undefined;
          continue;
        }
        total.pages++;
        total.applied += moved.result.applied;
        total.skipped += moved.result.skipped;
        total.quarantined += moved.result.quarantined;
        total.remaining = page.remaining;
        opts.onProgress?.({ ...total });
        // A page that moves nothing cannot be followed by more: stop rather than ask again at once.
        if (!page.hasMore || (page.entries.length === 0 && page.nextCursor === cursor)) break;
      }
    } finally {
      await prefetched?.catch(() => undefined);
    }
    return total;
  }
}
