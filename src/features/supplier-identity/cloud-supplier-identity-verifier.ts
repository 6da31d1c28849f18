import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { CloudKeys } from '../../../adapters/procurement-cloud.js';
import type { Clock } from '../../clock.js';
import { isValidUscc } from '../../domain/uscc.js';
import { DomainError } from '../../errors.js';
import type { SupplierIdentityVerifier } from '../../http/principal.js';

/** The algorithm the procurement cloud signs supplier identity tokens with; nothing else is accepted. */
export const SUPPLIER_TOKEN_ALG = 'ES256';

/** 401: the supplier identity token is missing, forged, expired or not for this gateway. */
export class SupplierIdentityError extends DomainError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(401, 'invalid_supplier_token', 'The supplier identity token is not acceptable.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    this.reason = reason;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
  /** jose's error code or our own reason; for logs, never for the response. */
  readonly reason: string;
}

/**
 * Verifies supplier identity tokens against the procurement cloud's JWKS: ES256 only, the cloud's
 * issuer, this gateway as audience, `exp` required, 30 s of clock tolerance. The cloud adapter caches the
 * keys; the token's `kid` goes with the request for them, so that a key the cloud has just published
 * (a rotation) is fetched at once rather than refused until the cache expires.
 */
export class CloudSupplierIdentityVerifier implements SupplierIdentityVerifier {
  /** The key set jose built from the last keys the cloud gave, kept while the cloud gives the same ones. */
  private built: { source: CloudKeys; text: string; jwks: ReturnType<typeof createLocalJWKSet> } | undefined;

  constructor(
    private readonly deps: {
      /** The cloud's keys; `kid` is the key the token names. */
      keys: (kid?: string) => Promise<CloudKeys>;
      audience: string;
      clockToleranceSeconds?: number;
      clock?: Clock;
    },
  ) {}

  private jwksOf(keys: CloudKeys): ReturnType<typeof createLocalJWKSet> {
    if (this.built?.source === keys) return this.built.jwks;
    // An adapter may hand out equal keys in a new object each time: build again only when they differ.
    const text = JSON.stringify(keys);
    if (this.built?.text !== text) this.built = { source: keys, text, jwks: createLocalJWKSet(keys.jwks as JSONWebKeySet) };
    else this.built = { ...this.built, source: keys };
    return this.built.jwks;
  }

  async verify(token: string): Promise<{ uscc: string; name: string }> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch (err) {
      throw err instanceof joseErrors.JOSEError ? this.wrap(err) : new SupplierIdentityError('malformed_token', { cause: err });
    }
    let keys: CloudKeys;
    try {
      keys = await this.deps.keys(kid);
    } catch (err) {
      throw this.wrap(err);
    }
    try {
      return await this.verifyWith(token, keys);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  private async verifyWith(token: string, keys: CloudKeys) {
    const { payload } = await jwtVerify(token, this.jwksOf(keys), {
      algorithms: [SUPPLIER_TOKEN_ALG],
      issuer: keys.issuer,
      audience: this.deps.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: this.deps.clockToleranceSeconds ?? 30,
      ...(this.deps.clock ? { currentDate: this.deps.clock() } : {}),
    });
    const { uscc, name } = payload as { uscc?: unknown; name?: unknown };
    if (typeof uscc !== 'string' || !isValidUscc(uscc)) throw new SupplierIdentityError('uscc_invalid');
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new SupplierIdentityError('name_invalid');
    return { uscc, name };
  }

  private wrap(err: unknown): SupplierIdentityError {
    if (err instanceof SupplierIdentityError) return err;
    if (err instanceof joseErrors.JOSEError) return new SupplierIdentityError(err.code, { cause: err });
    // The keys could not be fetched: not the token's fault, but the token cannot be accepted either.
    return new SupplierIdentityError('keys_unavailable', { cause: err });
  }
}
