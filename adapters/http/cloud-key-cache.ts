import type { CloudKeys } from '../procurement-cloud.js';

/** How long fetched cloud keys are used before they are fetched again. */
export const CLOUD_KEYS_TTL_MS = 5 * 60_000;

/** Least time between two early fetches caused by a `kid` the cached keys do not hold. */
export const CLOUD_KEYS_COOLDOWN_MS = 10_000;

/** What {@link CloudKeyCache} is built from. */
export interface CloudKeyCacheOptions {
  /** Fetches the cloud's keys (its JWKS and issuer). */
  fetch: () => Promise<CloudKeys>;
  ttlMs?: number;
  cooldownMs?: number;
  now?: () => number;
}

interface Entry {
  keys: CloudKeys;
  /** When these keys count as fetched; moved on when a refresh failed, so that it is not tried at once again. */
  at: number;
  kids: ReadonlySet<string>;
}

/**
 * The cloud's signing keys, cached. A `kid` the cached set does not hold means the cloud may have rotated
 * (published a new key beside the old): the keys are fetched again at once, but at most once per cooldown,
 * so that a flood of made-up `kid`s costs the cloud one request per cooldown and no more. Concurrent
 * callers share one fetch. When a refresh fails, the keys held are kept and used until the cooldown ends.
 */
export class CloudKeyCache {
  private entry: Entry | undefined;
  private inflight: Promise<Entry> | undefined;
  /** When an unknown `kid` last caused a fetch. */
  private lastEarly = Number.NEGATIVE_INFINITY;
  /** Why the last fetch for an unknown `kid` failed, while its cooldown lasts. */
  private earlyFailure: unknown;

  constructor(private readonly opts: CloudKeyCacheOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The cloud's keys; with `kid`, fetched again first when the cached ones lack it and the cooldown allows. */
  async get(kid?: string): Promise<CloudKeys> {
    const now = this.now();
    const held = this.entry;
    const ttl = this.opts.ttlMs ?? CLOUD_KEYS_TTL_MS;
    const cooldown = this.opts.cooldownMs ?? CLOUD_KEYS_COOLDOWN_MS;
    if (held && now - held.at < ttl) {
      if (kid === undefined || held.kids.has(kid)) return held.keys;
      // A fetch already under way may bring the key: wait for it rather than answer with keys that lack it.
      if (!this.inflight) {
        if (now - this.lastEarly < cooldown) {
          // The last fetch for an unknown kid failed: whether this kid is the cloud's cannot be told yet.
          if (this.earlyFailure) throw this.earlyFailure;
          return held.keys;
        }
        this.lastEarly = now;
      }
    }
    const unknownKid = held !== undefined && kid !== undefined && !held.kids.has(kid);
    try {
      const keys = (await this.fetch()).keys;
      this.earlyFailure = undefined;
      return keys;
    } catch (err) {
      if (!held) throw err;
      // The cloud cannot say now: keep what it said before, and ask again after one cooldown.
      this.entry = { ...held, at: Math.max(held.at, now - ttl + cooldown) };
      // A kid the held keys lack may be the cloud's new key: refusing it as a bad signature would be wrong, so
      // the caller learns the cloud is unavailable (a pushed notification answers 503 and is sent again).
      if (unknownKid) {
        this.earlyFailure = err;
        throw err;
      }
      return held.keys;
    }
  }

  private fetch(): Promise<Entry> {
    this.inflight ??= this.opts
      .fetch()
      .then((keys) => {
        const entry: Entry = { keys, at: this.now(), kids: new Set(keys.jwks.keys.flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : []))) };
        this.entry = entry;
        return entry;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
