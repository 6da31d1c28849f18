/** Waits after the 1st, 2nd, … failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; then failed. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** The longest `Retry-After` the dispatcher honours. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * How long to wait after failed attempt number `attempt` (1-based), or undefined when it was the last. A
 * receiver's `Retry-After` pushes the retry later, never earlier; up to 10 % jitter spreads a burst of retries.
 */
export function retryDelay(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_SCHEDULE_MS[attempt - 1];
  if (base === undefined) return undefined;
  const scheduled = Math.round(base * (1 + 0.1 * random()));
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Reads `Retry-After` (delay-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
