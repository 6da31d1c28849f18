import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import type { JWK } from 'jose';
import type { Config } from '../../config.js';
import { systemClock, type Clock } from '../../clock.js';
import { hasPrivateMembers } from './jwks.js';

/** A `jwks_uri` that could not be used; carries the cause. */
export class RemoteJwksError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemoteJwksError';
  }
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, link-local, shared, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A DNS lookup that refuses private addresses, so a name cannot be rebound to one between check and connect. */
async function publicOnlyLookup(hostname: string): Promise<{ address: string; family: 4 | 6 }> {
  const list = await dnsLookup(hostname, { all: true });
  if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
    throw Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' });
  }
  return { address: list[0]!.address, family: list[0]!.family === 6 ? 6 : 4 };
}

/** Why a `jwks_uri` may not be registered, or undefined when it may. */
export function jwksUriProblem(uri: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  if (allowPrivate) return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must be https';
  if (url.protocol !== 'https:') return 'must be https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) return 'must not point at a private, loopback or link-local address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at a private, loopback or link-local address';
  return undefined;
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
