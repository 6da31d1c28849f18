import { CloudCircuitOpenError } from '../procurement-cloud.js';

/** The three states of a circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * A small consecutive-failure circuit breaker: after `threshold` failures in a row it opens and
 * refuses calls for `resetMs`; then one trial call decides between closing and opening again.
 * Written here rather than taken from a library because this is all the adapter needs.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trial = false;

  constructor(
    private readonly opts: { threshold?: number; resetMs?: number; now?: () => number; onStateChange?: (s: CircuitState) => void } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The current state, as readiness and metrics report it. */
  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= (this.opts.resetMs ?? 30_000) ? 'half_open' : 'open';
  }

  /** Runs `fn` unless the circuit is open; `counts` says which errors are the cloud's failure. */
  async run<T>(fn: () => Promise<T>, counts: (err: unknown) => boolean): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.trial)) {
      throw new CloudCircuitOpenError('circuit_open', 'the procurement cloud is failing; calls are paused');
    }
    if (state === 'half_open') this.trial = true;
    try {
      const result = await fn();
      this.succeed();
      return result;
    } catch (err) {
      if (counts(err)) this.fail();
      else this.succeed();
      throw err;
    } finally {
      if (state === 'half_open') this.trial = false;
    }
  }

  private succeed(): void {
    const was = this.state;
    this.failures = 0;
    this.openedAt = undefined;
    if (was !== 'closed') this.opts.onStateChange?.('closed');
  }

  private fail(): void {
    this.failures++;
    if (this.openedAt !== undefined || this.failures >= (this.opts.threshold ?? 5)) {
      this.openedAt = this.now();
      this.opts.onStateChange?.('open');
    }
  }
}
