import type { JWTPayload } from 'jose';

/** Most access tokens the guard remembers as verified; the oldest is forgotten first. */
export const VERIFIED_TOKENS_MAX = 4_096;

interface Entry {
  claims: JWTPayload;
  /** The gateway key that verified the signature. */
  kid: string;
}

/**
 * Access tokens whose signature, header and fixed claims (issuer, audience, `typ`, algorithm, required
 * claims) the guard has verified, keyed by the token's exact text. A bank presents the same token for up
 * to ten minutes; the ECDSA check only needs doing once for the same bytes. What can change with time or
 * state is checked again on every hit: `exp` and `nbf` against the request's clock, and that the signing
 * key is still one the gateway publishes. Only verified tokens enter, so input cannot fill it with junk,
 * and the size is bounded.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = VERIFIED_TOKENS_MAX) {}

  /** The claims of `token` if it was verified before and is still within its lifetime at `nowS`. */
  get(token: string, nowS: number, keyPublished: (kid: string) => boolean): JWTPayload | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    const { exp, nbf } = e.claims;
    // The same comparisons jose makes (no clock tolerance): expired at exp, not usable before nbf.
    if (typeof exp !== 'number' || exp <= nowS || (typeof nbf === 'number' && nbf > nowS) || !keyPublished(e.kid)) {
      this.entries.delete(token);
      return undefined;
    }
    return e.claims;
  }

  /** Remembers `token` as verified with key `kid`. */
  add(token: string, kid: string, claims: JWTPayload): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, kid });
  }

  get size(): number {
    return this.entries.size;
  }
}
