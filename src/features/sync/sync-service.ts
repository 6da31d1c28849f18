import type { Knex } from 'knex';
import type { ChangeEntry, ChangePage, ProcurementCloud } from '../../../adapters/procurement-cloud.js';
import { planIngest } from './ingest.js';
import type { KnexSyncStore } from './sync-knex-store.js';
import { EventFanOut } from '../events/event-fan-out.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

/** The cursor row of the cloud's change feed. */
export const FEED_SOURCE = 'procurement_cloud';

/** Where pushed notifications are recorded as coming from. */
export const NOTIFICATION_SOURCE = 'cloud_notification';

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
  constructor(
    private readonly deps: {
      db: Knex;
      store: KnexSyncStore;
      cloud: ProcurementCloud;
      pageSize: number;
      now?: () => Date;
      onIngest?: (source: string, result: IngestResult) => void;
      /** Who receives each change; the default decides by the applications' consent at the moment of the change. */
      fanOut?: EventFanOut;
    },
  ) {
    this.fanOut = deps.fanOut ?? new EventFanOut();
  }

  private readonly fanOut: EventFanOut;

  private nowIso(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** Applies a batch in the caller's transaction: the shared ingest path of the feed and of notifications. */
  async ingest(trx: Knex, entries: readonly ChangeEntry[], source: string): Promise<IngestResult> {
    const flagIds = entries.flatMap((e) => (e.ok && e.change.type === 'supplier_risk_flag.lifted' ? [e.change.flagId] : []));
    const ctx = await this.deps.store.context(trx, entries, flagIds);
    const plan = planIngest(entries, ctx, source);
    await this.deps.store.write(trx, plan, this.nowIso());
    await this.fanOut.changes(trx, plan.events);
    const result = { applied: plan.applied, skipped: plan.skipped, quarantined: plan.quarantine.length };
    this.deps.onIngest?.(source, result);
    return result;
  }

  /** Applies pushed changes in one transaction; idempotent by change id. */
  async ingestNotification(entries: readonly ChangeEntry[]): Promise<IngestResult> {
    return withTransactionRetry(this.deps.db, (trx) => this.ingest(trx, entries, NOTIFICATION_SOURCE));
  }

  /** One pass over the feed until the cloud has nothing more; stops between pages when `signal` aborts. */
  async runOnce(opts: { onProgress?: (p: SyncProgress) => void; signal?: AbortSignal } = {}): Promise<SyncProgress> {
    const { db, store, cloud, pageSize } = this.deps;
    const total: SyncProgress = { pages: 0, applied: 0, skipped: 0, quarantined: 0, cursor: await store.cursor(db, FEED_SOURCE), remaining: undefined };
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
        const moved = await withTransactionRetry(db, async (trx) => {
          // Another gateway instance may have applied this page meanwhile: then start again from its cursor.
          const current = await store.cursor(trx, FEED_SOURCE, true);
          if (current !== cursor) return { current };
          const result = await this.ingest(trx, page.entries, FEED_SOURCE);
          await store.setCursor(trx, FEED_SOURCE, page.nextCursor, this.nowIso());
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
