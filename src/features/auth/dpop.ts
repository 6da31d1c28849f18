import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { epochSeconds } from '../../clock.js';
import { CLIENT_ALGS, algForKey, hasPrivateMembers, publicPart, type ClientAlg, type KeyImportCache } from './jwks.js';
import type { JtiStore } from './jti-store.js';

/** How old a DPoP proof may be, and how far ahead of the gateway's clock, in seconds. */
export const DPOP_MAX_AGE_S = 60;
/** Clock skew tolerated for a proof's `iat` in the future. */
export const DPOP_FUTURE_S = 10;

/** A DPoP proof that is not acceptable; the message says why (safe to show the client). */
export class DpopError extends Error {
  override name = 'DpopError';
}

/** What a proof is checked against. */
export interface DpopExpectation {
  method: string;
  /** The request URL without query or fragment. */
  url: string;
  /** On resource requests: the access token, whose hash `ath` must carry. */
  accessToken?: string;
  now: Date;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a proof's `htu` names the request's URL (RFC 9449 §4.3, check 9): the same scheme, host, port and
 * path; the query and fragment are not compared. A gateway whose own address is on the loopback interface (a
 * developer's machine) is the same server by any loopback name, so there localhost, 127.0.0.1 and [::1] are
 * one host; anywhere else the host must be the configured one.
 */
export function htuMatches(htu: string, requestUrl: string): boolean {
  let proof: URL;
  let request: URL;
  try {
    proof = new URL(htu);
    request = new URL(requestUrl);
  } catch {
    return false;
  }
  if (proof.protocol !== request.protocol || proof.port !== request.port || proof.pathname !== request.pathname) return false;
  return proof.hostname === request.hostname || (LOOPBACK_HOSTS.has(proof.hostname) && LOOPBACK_HOSTS.has(request.hostname));
}

/** The `ath` of an access token: base64url SHA-256 of its ASCII form. */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

/** Verifies DPoP proofs (RFC 9449 §4.3) and spends their `jti`s. */
export class DpopVerifier {
  constructor(
    private readonly jtis: JtiStore,
    private readonly imports: KeyImportCache,
  ) {}

  /** Checks `proof` fully; resolves with the thumbprint (`jkt`) of its key, or throws {@link DpopError}. */
  async verify(proof: string | undefined, expect: DpopExpectation): Promise<string> {
    if (proof === undefined || proof === '') throw new DpopError('a DPoP proof is required');
    if (proof.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) {
      throw new DpopError('the DPoP header is not one compact JWS');
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw new DpopError('the DPoP proof header cannot be decoded');
    }
    if (header.typ !== 'dpop+jwt') throw new DpopError('the DPoP proof typ must be dpop+jwt');
    if (!CLIENT_ALGS.includes(header.alg as ClientAlg)) throw new DpopError(`the DPoP proof alg must be one of ${CLIENT_ALGS.join(', ')}`);
    const jwk = header.jwk as JWK | undefined;
    if (!jwk || typeof jwk !== 'object') throw new DpopError('the DPoP proof header must carry the public jwk');
    if (hasPrivateMembers(jwk)) throw new DpopError('the DPoP proof jwk must not carry private key material');
    const alg = header.alg as ClientAlg;
    if (algForKey(jwk) !== alg) throw new DpopError('the DPoP proof jwk does not fit its alg');
    const publicJwk = publicPart(jwk);
    let jkt: string;
    let payload: Record<string, unknown>;
    try {
      jkt = await calculateJwkThumbprint(publicJwk, 'sha256');
      const key = await this.imports.import({ jkt, kid: null, jwk: publicJwk }, alg);
      ({ payload } = await jwtVerify(proof, key, { algorithms: [alg], typ: 'dpop+jwt', currentDate: expect.now }));
    } catch {
      throw new DpopError('the DPoP proof signature or claims are invalid');
    }
    const { jti, htm, htu, iat, ath } = payload;
    if (typeof jti !== 'string' || jti.length < 1 || jti.length > 256) throw new DpopError('the DPoP proof needs a jti');
    if (htm !== expect.method) throw new DpopError('the DPoP proof htm does not match the request method');
    if (typeof htu !== 'string' || !htuMatches(htu, expect.url)) {
      throw new DpopError('the DPoP proof htu does not match the request URL');
    }
    const now = epochSeconds(expect.now);
    if (typeof iat !== 'number' || iat < now - DPOP_MAX_AGE_S || iat > now + DPOP_FUTURE_S) {
      throw new DpopError('the DPoP proof iat is outside the acceptable window');
    }
    if (expect.accessToken !== undefined && ath !== accessTokenHash(expect.accessToken)) {
      throw new DpopError('the DPoP proof ath does not match the access token');
    }
    // Spent last, so an invalid proof cannot burn a jti.
    if (!(await this.jtis.use(`dpop:${jkt}:${jti}`, now + DPOP_MAX_AGE_S + DPOP_FUTURE_S))) {
      throw new DpopError('the DPoP proof jti was already used');
    }
    return jkt;
  }
}
