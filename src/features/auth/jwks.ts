import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { specEnum, specType } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

type S = components['schemas'];

/** Algorithms a client may sign its assertions and DPoP proofs with (the spec's `PublicJwk.alg`). */
export const CLIENT_ALGS = specEnum<NonNullable<S['PublicJwk']['alg']>>()(['PS256', 'ES256', 'EdDSA']);

/** One of {@link CLIENT_ALGS}. */
export type ClientAlg = (typeof CLIENT_ALGS)[number];

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A public signing JWK as a client registers it. */
export const publicJwkSchema = specType<S['PublicJwk']>()(
  z
    .looseObject({
      kty: z.enum(specEnum<S['PublicJwk']['kty']>()(['EC', 'RSA', 'OKP'])),
      kid: chars(256).min(1).optional(),
      alg: z.enum(CLIENT_ALGS).optional(),
      use: z.literal('sig').optional(),
      crv: z.enum(specEnum<NonNullable<S['PublicJwk']['crv']>>()(['P-256', 'Ed25519'])).optional(),
      x: chars(1024).optional(),
      y: chars(1024).optional(),
      n: chars(1400).optional(),
      e: chars(16).optional(),
    })
    .refine((k) => PRIVATE_MEMBERS.every((m) => !(m in k)), 'a public key must not carry private key members'),
);

/** A JWKS of public signing keys (1–10). */
export const clientJwksSchema = specType<S['Jwks']>()(z.strictObject({ keys: z.array(publicJwkSchema).min(1).max(10) }));

/** A registered client key: its RFC 7638 thumbprint, optional kid and the public JWK. */
export interface RegisteredKey {
  jkt: string;
  kid: string | null;
  jwk: JWK;
}

/** The algorithm a key can be used with, or undefined for keys the gateway does not accept. */
export function algForKey(jwk: JWK): ClientAlg | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'PS256';
  return undefined;
}

/** True when `jwk` carries private key material. */
export function hasPrivateMembers(jwk: object): boolean {
  return PRIVATE_MEMBERS.some((m) => m in jwk);
}

/** Keeps only the members of a public key the gateway uses. */
export function publicPart(jwk: JWK): JWK {
  const out: JWK = { kty: jwk.kty };
  for (const m of ['crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const) if (jwk[m] !== undefined) out[m] = jwk[m];
  return out;
}

/**
 * Checks that every key is a usable public signing key (importable; RSA at least 2048 bits;
 * `kid`s distinct) and returns them with their thumbprints. Throws an Error naming the key otherwise.
 */
export async function registeredKeys(jwks: { keys: JWK[] }): Promise<RegisteredKey[]> {
  const out: RegisteredKey[] = [];
  const kids = new Set<string>();
  for (const [i, raw] of jwks.keys.entries()) {
    const jwk = publicPart(raw);
    const alg = algForKey(jwk);
    if (!alg || (jwk.alg !== undefined && jwk.alg !== alg)) throw new Error(`key ${i}: not an ES256 (P-256), EdDSA (Ed25519) or PS256 (RSA) key`);
    if (jwk.kty === 'RSA' && Buffer.from(jwk.n ?? '', 'base64url').length < 256) throw new Error(`key ${i}: RSA keys must have at least 2048 bits`);
    try {
      await importJWK(jwk, alg);
    } catch {
      throw new Error(`key ${i}: not a valid ${alg} public key`);
    }
    if (jwk.kid !== undefined) {
      if (kids.has(jwk.kid)) throw new Error(`key ${i}: kid ${jwk.kid} appears twice`);
      kids.add(jwk.kid);
    }
    const jkt = await calculateJwkThumbprint(jwk, 'sha256');
    if (!out.some((k) => k.jkt === jkt)) out.push({ jkt, kid: jwk.kid ?? null, jwk });
  }
  return out;
}

/** Imports public JWKs once per key and algorithm. */
export class KeyImportCache {
  private readonly cache = new Map<string, Promise<CryptoKey>>();

  /** The CryptoKey of `key` for `alg`. */
  import(key: RegisteredKey, alg: ClientAlg): Promise<CryptoKey> {
    const id = `${key.jkt}:${alg}`;
    let hit = this.cache.get(id);
    if (!hit) {
      if (this.cache.size > 10_000) this.cache.clear();
      hit = importJWK(key.jwk, alg) as Promise<CryptoKey>;
      this.cache.set(id, hit);
      hit.catch(() => this.cache.delete(id));
    }
    return hit;
  }
}
