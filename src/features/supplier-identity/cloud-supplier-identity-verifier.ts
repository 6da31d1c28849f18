import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { CloudKeys } from '../../../adapters/procurement-cloud.js';
import { epochMs, systemClock, type Clock } from '../../clock.js';
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

/** How long cached cloud keys are trusted before they are fetched again. */
const KEYS_TTL_MS = 5 * 60_000;

/**
 * Verifies supplier identity tokens against the procurement cloud's JWKS: ES256 only, the cloud's
 * issuer, this gateway as audience, `exp` required, 30 s of clock tolerance. Keys are cached and
 * fetched again when a token names a key the cache does not hold (the cloud rotated).
 */
export class CloudSupplierIdentityVerifier implements SupplierIdentityVerifier {
  private cached: { keys: CloudKeys; jwks: ReturnType<typeof createLocalJWKSet>; at: number } | undefined;

  constructor(
    private readonly deps: {
      keys: () => Promise<CloudKeys>;
      audience: string;
      clockToleranceSeconds?: number;
      clock?: Clock;
    },
  ) {}

  private async keys(refresh: boolean) {
    const now = epochMs(this.deps.clock ?? systemClock);
    if (refresh || !this.cached || now - this.cached.at > KEYS_TTL_MS) {
      const keys = await this.deps.keys();
      this.cached = { keys, jwks: createLocalJWKSet(keys.jwks as JSONWebKeySet), at: now };
    }
    return this.cached;
  }

  async verify(token: string): Promise<{ uscc: string; name: string }> {
    try {
      return await this.verifyWith(token, await this.keys(false));
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw this.wrap(err);
    }
    try {
      return await this.verifyWith(token, await this.keys(true));
    } catch (err) {
      throw this.wrap(err);
    }
  }

  private async verifyWith(token: string, keys: { keys: CloudKeys; jwks: ReturnType<typeof createLocalJWKSet> }) {
    const { payload } = await jwtVerify(token, keys.jwks, {
      algorithms: [SUPPLIER_TOKEN_ALG],
      issuer: keys.keys.issuer,
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
