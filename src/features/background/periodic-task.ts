import type { Logger } from '../../logger.js';

/** Runs `work` now and then `intervalMs` after each run ends; never two runs at once. */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { name: string; intervalMs: number; logger: Logger; work: () => Promise<unknown> },
  ) {}

  /** Starts; does nothing when the interval is 0. */
  start(): void {
    if (this.deps.intervalMs > 0) this.run();
  }

  private run(): void {
    this.running = this.deps
      .work()
      .then(
        () => undefined,
        (err: unknown) => this.deps.logger.warn({ err, task: this.deps.name }, 'background task failed; will retry'),
      )
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.run(), this.deps.intervalMs);
      });
  }

  /** Stops after the run in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
