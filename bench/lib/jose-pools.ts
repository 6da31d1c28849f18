import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** A signing key as the harness holds it. */
export interface BenchKey {
  alg: 'ES256';
  privateKey: CryptoKey;
  /** Public JWK (with `kid` when it has one). */
  publicJwk: JWK;
}

/** A fresh ES256 key pair. */
export async function newKey(kid?: string): Promise<BenchKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { alg: 'ES256', privateKey, publicJwk: { ...(await exportJWK(publicKey)), ...(kid ? { kid } : {}), alg: 'ES256', use: 'sig' } };
}

/** Loads the private JWK `zcd keys generate` wrote. */
export async function loadPrivateJwk(jwk: JWK): Promise<BenchKey & { kid: string }> {
  const { d: _d, ...pub } = jwk;
  return { alg: 'ES256', kid: jwk.kid!, privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey, publicJwk: pub };
}

/** Signs `count` JWTs, a few at a time so the event loop keeps breathing. */
async function signMany(count: number, sign: (i: number) => Promise<string>): Promise<string[]> {
  const out: string[] = new Array<string>(count);
  const batch = 256;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const signed = await Promise.all(Array.from({ length: n }, (_, j) => sign(i + j)));
    for (let j = 0; j < n; j++) out[i + j] = signed[j]!;
  }
  return out;
}

/** `count` private_key_jwt client assertions (RFC 7523), each with its own jti, valid for `lifetimeS` from now. */
export function assertionPool(o: { clientId: string; key: BenchKey & { kid: string }; audience: string; count: number; lifetimeS: number }): Promise<string[]> {
  const iat = Math.floor(Date.now() / 1000);
  return signMany(o.count, () =>
    new SignJWT({})
      .setProtectedHeader({ alg: o.key.alg, kid: o.key.kid })
      .setIssuer(o.clientId)
      .setSubject(o.clientId)
      .setAudience(o.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + o.lifetimeS)
      .setJti(randomUUID())
      .sign(o.key.privateKey),
  );
}

/** One client assertion. */
export async function clientAssertion(clientId: string, key: BenchKey & { kid: string }, audience: string): Promise<string> {
  const [a] = await assertionPool({ clientId, key, audience, count: 1, lifetimeS: 60 });
  return a!;
}

/** The `ath` of an access token (RFC 9449 §4.2). */
export const ath = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

/** `count` DPoP proofs (RFC 9449) for one method and URL, each with its own jti, iat now. */
export function dpopPool(o: { key: BenchKey; htm: string; htu: string; accessToken?: string; count: number }): Promise<string[]> {
  const iat = Math.floor(Date.now() / 1000);
  const { kid: _kid, alg: _alg, use: _use, ...jwk } = o.key.publicJwk;
  const claims = { htm: o.htm, htu: o.htu, ...(o.accessToken ? { ath: ath(o.accessToken) } : {}) };
  return signMany(o.count, () =>
    new SignJWT({ ...claims, iat, jti: randomUUID() }).setProtectedHeader({ alg: o.key.alg, typ: 'dpop+jwt', jwk }).sign(o.key.privateKey),
  );
}

/** A client_credentials token request body. */
export function tokenForm(assertion: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }).toString();
}

/** Hands out pool entries in order; counts how often it had to start over (a reused entry will be refused). */
export class Pool<T> {
  private i = 0;
  /** Entries handed out after the pool ran dry (each a repeat). */
  overrun = 0;

  constructor(private readonly items: readonly T[]) {
    if (items.length === 0) throw new Error('empty pool');
  }

  /** The next entry. */
  next(): T {
    if (this.i >= this.items.length) this.overrun++;
    return this.items[this.i++ % this.items.length]!;
  }

  /** Entries handed out so far. */
  get used(): number {
    return this.i;
  }
}
