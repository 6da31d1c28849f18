import { systemClock, type Clock } from '../../clock.js';

/** A fixed-window counter per key, in the memory of one instance. */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Counts one request for `key`; when over the limit, says how many seconds to wait. */
  /** The {@link Limiter} form of {@link RateLimiter.hit}. */
  take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
    return this.hit(key);
  }

  hit(key: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.clock().getTime();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.windows = new Map();
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= this.limit) return { ok: true };
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
  }
}
