/** A limiter's answer: go on, or wait this many seconds. */
export type LimitVerdict = { ok: true } | { ok: false; retryAfterS: number };

/** Takes one request from a key's budget; in memory (one instance) or in the database (every instance). */
export interface Limiter {
  take(key: string): LimitVerdict | Promise<LimitVerdict>;
}
