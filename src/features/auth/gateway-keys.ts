import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { epochMs, systemClock, type Clock } from '../../clock.js';

/** The algorithm of the gateway's own signing keys. */
export const GATEWAY_ALG = 'ES256';

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** One of the gateway's signing keys as stored. */
export interface StoredGatewayKey {
  kid: string;
  alg: string;
  /** `retired`: rotated out twice, still published until the tokens it may have signed have expired. */
  status: 'active' | 'previous' | 'retired';
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: number;
  retiredAt?: number | null;
}

/**
 * How often an instance rereads the keys, so that a rotation made elsewhere (another instance, the CLI) signs here
 * within this long.
 */
export const GATEWAY_KEY_REFRESH_MS = 5_000;

/**
 * How long a retired key stays published: the longest access-token lifetime, plus the refresh interval (an
 * instance may sign with a key for that long after it was rotated out), plus a margin for clocks.
 */
export const RETIRED_KEY_PUBLISHED_MS = 600_000 + GATEWAY_KEY_REFRESH_MS + 60_000;

/** Persistence of the gateway's signing keys. */
export interface GatewayKeyStore {
  all(): Promise<StoredGatewayKey[]>;
  /** Adds the first active key; does nothing when another instance has just added one (one active key at most). */
  add(key: StoredGatewayKey): Promise<void>;
  /**
   * Atomically: the previous key becomes retired (at `now`), the active one previous, `key` the active one; retired
   * keys older than `purgeBefore` are deleted.
   */
  rotate(key: StoredGatewayKey, now: number, purgeBefore: number): Promise<void>;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
}

/**
 * The gateway's signing keys: generated on first use, persisted, published, rotatable.
 * Imported keys are cached; an unknown `kid` reloads from the database (another instance may have rotated).
 */
export class GatewayKeys {
  private signing: { kid: string; key: CryptoKey; keyObject: KeyObject } | undefined;
  private verifying = new Map<string, LoadedKey>();
  private loaded: Promise<void> | undefined;
  private lastReload = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: GatewayKeyStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The key to sign access tokens with. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    await this.ensureFresh();
    const { kid, key } = this.signing!;
    return { kid, key };
  }

  /**
   * Signs `payload` as a compact JWS with the active key: ES256, `typ` as given, the key's `kid`.
   * node:crypto's one-shot sign is about four times cheaper than WebCrypto's per token; the bytes are the
   * same JWS (P-256, SHA-256, the r‖s signature of RFC 7518 §3.4), and every verifier — the guard
   * included — checks it with jose.
   */
  async sign(payload: Record<string, unknown>, typ: string): Promise<string> {
    await this.ensureFresh();
    const { kid, keyObject } = this.signing!;
    const input = `${base64url(JSON.stringify({ alg: GATEWAY_ALG, typ, kid }))}.${base64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  /** The public key of `kid`, if it is one of the gateway's published keys. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    await this.ensureLoaded();
    const known = this.verifying.get(kid);
    if (known) return known.publicKey;
    const now = Date.now();
    if (now - this.lastReload < 1_000) return undefined;
    await this.reload();
    return this.verifying.get(kid)?.publicKey;
  }

  /** Whether `kid` is one of the keys this instance currently verifies with (no reload). */
  publishes(kid: string): boolean {
    return this.verifying.has(kid);
  }

  /** The published JWKS: the active key, the previous one and retired ones, so tokens they signed stay verifiable. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.ensureFresh();
    return { keys: [...this.verifying.values()].map((k) => k.publicJwk) };
  }

  /** Makes a new active key; the old one stays published as `previous` until the next rotation. */
  async rotate(): Promise<string> {
    const key = await this.newKey();
    const now = epochMs(this.clock);
    await this.store.rotate(key, now, now - RETIRED_KEY_PUBLISHED_MS);
    await this.reload();
    return key.kid;
  }

  /** Loaded, and reread when the last read is older than {@link GATEWAY_KEY_REFRESH_MS} (one read for concurrent callers). */
  private async ensureFresh(): Promise<void> {
    await this.ensureLoaded();
    if (Date.now() - this.lastReload < GATEWAY_KEY_REFRESH_MS) return;
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private ensureLoaded(): Promise<void> {
    this.loaded ??= this.reload().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    let rows = await this.store.all();
    if (!rows.some((r) => r.status === 'active')) {
      await this.store.add(await this.newKey());
      rows = await this.store.all();
    }
    // One active key at most (the store refuses a second); the newest active one signs all the same.
    const active = rows.filter((r) => r.status === 'active').sort((a, b) => b.createdAt - a.createdAt)[0]!;
    const verifying = new Map<string, LoadedKey>();
    for (const r of rows) {
      verifying.set(r.kid, { kid: r.kid, publicJwk: r.publicJwk, publicKey: (await importJWK(r.publicJwk, r.alg)) as CryptoKey });
    }
    this.verifying = verifying;
    const privateJwk = active.privateJwk;
    this.signing = {
      kid: active.kid,
      key: (await importJWK(privateJwk, active.alg)) as CryptoKey,
      keyObject: createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' }),
    };
  }

  private async newKey(): Promise<StoredGatewayKey> {
    const { privateKey, publicKey } = await generateKeyPair(GATEWAY_ALG, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: GATEWAY_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: GATEWAY_ALG };
    return { kid, alg: GATEWAY_ALG, status: 'active', privateJwk, publicJwk, createdAt: epochMs(this.clock) };
  }
}
