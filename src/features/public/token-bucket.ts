import { systemClock, type Clock } from '../../clock.js';

/** Token buckets per key in the memory of one instance: `capacity` requests at once, refilled evenly over `periodMs`. */
export class TokenBucketLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly periodMs: number = 60_000,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Takes one token for `key`; when none is left, says how many seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.clock().getTime();
    const perMs = this.capacity / this.periodMs;
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * perMs);
      b.at = now;
    } else {
      // Bounded memory: a flood of addresses resets the table rather than growing it without end.
      if (this.buckets.size > 100_000) this.buckets = new Map();
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  }
}
