import { CloudUnavailableError } from '../../../adapters/procurement-cloud.js';
import type { Logger } from '../../logger.js';
import type { SyncService } from './sync-service.js';

/** Runs a sync pass now and then every `intervalMs` after the previous one ends; stops between pages. */
export class SyncLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly deps: { sync: SyncService; intervalMs: number; logger: Logger }) {}

  /** Starts the loop; does nothing when the interval is 0. */
  start(): void {
    if (this.deps.intervalMs > 0) this.tick();
  }

  private tick(): void {
    this.running = this.deps.sync
      .runOnce({ signal: this.abort.signal })
      .then(
        (p) => {
          if (p.applied || p.quarantined) this.deps.logger.info({ applied: p.applied, quarantined: p.quarantined, cursor: p.cursor }, 'synced');
        },
        (err: unknown) => {
          // The cloud being away is expected now and then, and the next pass resumes at the cursor;
          // anything else (a cursor going back, a database failure) needs someone to look.
          if (err instanceof CloudUnavailableError) this.deps.logger.warn({ err }, 'sync pass failed: the cloud is unavailable');
          else this.deps.logger.error({ err }, 'sync pass failed');
        },
      )
      .finally(() => {
        this.running = undefined;
        if (!this.abort.signal.aborted) this.timer = setTimeout(() => this.tick(), this.deps.intervalMs);
      });
  }

  /** Stops after the page in flight (its transaction commits or rolls back whole). */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running;
  }
}
