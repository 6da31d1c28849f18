import axios, { type AxiosInstance } from 'axios';
import type { JWK } from 'jose';
import type { Config } from '../../config.js';
import { systemClock, type Clock } from '../../clock.js';
import { hasPrivateMembers } from './jwks.js';
import { outboundUrlProblem, publicOnlyLookup } from '../../http/outbound-url.js';

export { isPrivateAddress } from '../../http/outbound-url.js';

/** Why a `jwks_uri` may not be registered, or undefined when it may. */
export const jwksUriProblem = (uri: string, allowPrivate: boolean): string | undefined => outboundUrlProblem(uri, allowPrivate);

/** A `jwks_uri` that could not be used; carries the cause. */
export class RemoteJwksError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemoteJwksError';
  }
}

interface Entry {
  keys: JWK[];
  fetchedAt: number;
}

/**
 * Fetches clients' `jwks_uri` documents: with a timeout, never following redirects, never to a
 * private address unless allowed; cached, and refetched early (on an unknown `kid`) at most once per cooldown.
 */
export class RemoteJwks {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly http: AxiosInstance;

  constructor(
    private readonly config: Pick<Config, 'jwksUriAllowPrivate' | 'jwksUriTimeoutMs' | 'jwksUriCooldownMs' | 'jwksUriCacheMs'>,
    private readonly clock: Clock = systemClock,
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create();
  }

  /** The keys at `uri`; `refresh` asks for a fetch newer than the cooldown allows skipping. */
  async keys(uri: string, refresh = false): Promise<JWK[]> {
    const now = this.clock().getTime();
    const hit = this.cache.get(uri);
    if (hit) {
      const age = now - hit.fetchedAt;
      if (age < this.config.jwksUriCacheMs && (!refresh || age < this.config.jwksUriCooldownMs)) return hit.keys;
    }
    let pending = this.inflight.get(uri);
    if (!pending) {
      pending = this.fetch(uri).finally(() => this.inflight.delete(uri));
      this.inflight.set(uri, pending);
    }
    try {
      return (await pending).keys;
    } catch (err) {
      // A failed refresh must not hammer the URI: remember the stale copy as fresh for one cooldown.
      if (hit) {
        this.cache.set(uri, { keys: hit.keys, fetchedAt: now - this.config.jwksUriCacheMs + this.config.jwksUriCooldownMs });
        return hit.keys;
      }
      throw err;
    }
  }

  private async fetch(uri: string): Promise<Entry> {
    const problem = jwksUriProblem(uri, this.config.jwksUriAllowPrivate);
    if (problem) throw new RemoteJwksError(`jwks_uri ${problem}`);
    let body: unknown;
    try {
      const res = await this.http.get(uri, {
        timeout: this.config.jwksUriTimeoutMs,
        // `timeout` only bounds silence; this is a deadline for the whole fetch, a dripped body included.
        signal: AbortSignal.timeout(this.config.jwksUriTimeoutMs),
        maxRedirects: 0,
        maxContentLength: 64 * 1024,
        responseType: 'json',
        headers: { accept: 'application/json, application/jwk-set+json' },
        validateStatus: (s) => s === 200,
        ...(this.config.jwksUriAllowPrivate ? {} : { lookup: publicOnlyLookup }),
      });
      body = res.data;
    } catch (err) {
      throw new RemoteJwksError('jwks_uri could not be fetched', { cause: err });
    }
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length > 50 || !keys.every((k) => k && typeof k === 'object' && typeof (k as JWK).kty === 'string')) {
      throw new RemoteJwksError('jwks_uri did not answer with a JWKS');
    }
    if (keys.some((k) => hasPrivateMembers(k as object))) throw new RemoteJwksError('jwks_uri publishes private key material');
    const entry = { keys: (keys as JWK[]).filter((k) => k.use === undefined || k.use === 'sig'), fetchedAt: this.clock().getTime() };
    this.cache.set(uri, entry);
    return entry;
  }
}
