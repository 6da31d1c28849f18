import type { Request } from 'express';
import { decodeJwt, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Config } from '../../config.js';
import { epochSeconds, systemClock, type Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import type { BureauPrincipal, Principal, Scope, SupplierIdentityVerifier } from '../../http/principal.js';
import type { Access, AccessGuard } from '../../http/route.js';
import type { SessionGate } from '../sessions/session-gate.js';
import { sessionPrincipal } from '../sessions/session-principal.js';
import { roleAllows } from '../staff/staff-store.js';
import { GATEWAY_ALG, type GatewayKeys } from './gateway-keys.js';
import type { ClientStore } from './clients-store.js';
import { CLIENT_ALGS } from './jwks.js';
import { DpopError, type DpopVerifier } from './dpop.js';
import type { AccessTokenClaims } from './token-service.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Longest `Authorization` header the gateway reads. */
export const MAX_AUTHORIZATION_LENGTH = 4096;

/** What the guard needs. */
export interface AccessGuardDeps {
  config: Pick<Config, 'issuer'>;
  gatewayKeys: GatewayKeys;
  clients: ClientStore;
  dpop: DpopVerifier;
  /** Verifies supplier identity tokens; without one, supplier routes answer 401. */
  supplierVerifier?: SupplierIdentityVerifier;
  /** People's browser sessions; without it only tokens authenticate. */
  sessions?: SessionGate;
  clock?: Clock;
}

/** The one place a bureau route's role is checked, for tokens (always `admin`) and staff sessions alike. */
function checkRole(access: Access, principal: Principal | undefined): void {
  if (!('scope' in access) || access.scope !== 'admin') return;
  const held = (principal as BureauPrincipal).role;
  if (!roleAllows(held, access.role)) {
    throw new DomainError(403, 'insufficient_role', `This operation needs the ${access.role} role; you act as ${held}.`);
  }
}

const DPOP_ALGS = CLIENT_ALGS.join(' ');

function challenge(scheme: 'Bearer' | 'DPoP', error?: string, description?: string, extra: Record<string, string> = {}): string {
  const params: string[] = scheme === 'DPoP' ? [`algs="${DPOP_ALGS}"`] : ['realm="zcd-gateway"'];
  if (error) params.push(`error="${error}"`);
  if (description) params.push(`error_description="${description.replace(/["\\]/g, '')}"`);
  for (const [k, v] of Object.entries(extra)) params.push(`${k}="${v}"`);
  return `${scheme} ${params.join(', ')}`;
}

/** 401 with an RFC 6750 / RFC 9449 challenge. */
export function unauthorized(scheme: 'Bearer' | 'DPoP', error: string, description: string): DomainError {
  const status = error === 'invalid_request' ? 400 : 401;
  return new DomainError(status, error, description, {}, { 'WWW-Authenticate': challenge(scheme, error, description) });
}

function joseProblem(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the access token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the access token claim ${err.claim} is not acceptable`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the access token algorithm is not acceptable';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the access token signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the access token was not signed by a key of this gateway';
  if (err instanceof joseErrors.JOSEError) return 'the access token is malformed';
  throw err;
}

/**
 * The authentication middleware of every protected route: verifies the gateway's access tokens
 * (algorithm, issuer, audience and `typ` pinned; the signature once per token, see {@link VerifiedTokens},
 * the lifetime and signing key on every request), their DPoP binding, that the client and its key are
 * still live (one primary-key read), and the route's scope; or a supplier's identity token. A request
 * without a token may act through a person's session (CSRF-checked on writes by the session gate) on a
 * supplier's or a bureau's route, never on a bank's. Then, in one place, a bureau route's role.
 */
export function createAccessGuard(deps: AccessGuardDeps): AccessGuard {
  const clock = deps.clock ?? systemClock;
  const issuer = deps.config.issuer;
  const verified = new VerifiedTokens();
  const keyPublished = (kid: string) => deps.gatewayKeys.publishes(kid);
  const issuedHere = (token: string) => {
    try {
      return decodeJwt(token).iss === issuer;
    } catch {
      return false;
    }
  };

  /** The token's claims: from the cache of verified tokens, or verified by jose and then remembered. */
  const verifyAccessToken = async (token: string, now: Date): Promise<JWTPayload & Partial<AccessTokenClaims>> => {
    const known = verified.get(token, epochSeconds(now), keyPublished);
    if (known) return known;
    let kid = '';
    const { payload } = await jwtVerify(
      token,
      async (h) => {
        const key = typeof h.kid === 'string' ? await deps.gatewayKeys.verificationKey(h.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        kid = h.kid!;
        return key;
      },
      {
        algorithms: [GATEWAY_ALG],
        issuer,
        audience: issuer,
        typ: 'at+jwt',
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'scope', 'zcd_kjkt', 'zcd_kind'],
      },
    );
    verified.add(token, kid, Object.freeze(payload));
    return payload;
  };

  const authenticate = async (access: Access, req: Request): Promise<Principal | undefined> => {
    if ('public' in access) return undefined;
    if (req.query && typeof req.query === 'object' && 'access_token' in req.query) {
      throw unauthorized('Bearer', 'invalid_request', 'access tokens are not accepted in the query string');
    }
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      // Without a token, a person's session may act — never on a bank's route.
      if (deps.sessions && !('scope' in access && access.scope === 'institution')) {
        const live = await deps.sessions.check(req);
        if (live) return sessionPrincipal(access, live.session);
      }
      throw new DomainError(401, 'unauthenticated', 'This operation needs credentials.', {}, {
        'WWW-Authenticate': 'supplier' in access ? challenge('Bearer') : `${challenge('DPoP')}, ${challenge('Bearer')}`,
      });
    }
    if (header.length > MAX_AUTHORIZATION_LENGTH) throw unauthorized('Bearer', 'invalid_request', 'the Authorization header is too long');
    const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw unauthorized('Bearer', 'invalid_request', 'the Authorization header is not a Bearer or DPoP token');
    const scheme: 'Bearer' | 'DPoP' = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2]!;

    // A party route takes the gateway's own tokens and the cloud's supplier identity tokens: the issuer tells which.
    const supplierToken = 'supplier' in access || ('party' in access && scheme === 'Bearer' && !issuedHere(token));
    if (supplierToken) {
      if (scheme !== 'Bearer' || !deps.supplierVerifier) throw unauthorized('Bearer', 'invalid_token', 'a supplier identity token is required');
      try {
        const { uscc, name } = await deps.supplierVerifier.verify(token);
        return { kind: 'supplier', uscc, name } satisfies Principal;
      } catch {
        throw unauthorized('Bearer', 'invalid_token', 'the supplier identity token is not acceptable');
      }
    }

    const now = clock();
    let claims: JWTPayload & Partial<AccessTokenClaims>;
    try {
      claims = await verifyAccessToken(token, now);
    } catch (err) {
      throw unauthorized(scheme, 'invalid_token', joseProblem(err));
    }

    const jkt = claims.cnf?.jkt;
    if (jkt !== undefined) {
      if (scheme !== 'DPoP') throw unauthorized('DPoP', 'invalid_token', 'a DPoP-bound token must be presented with the DPoP scheme');
      let proofJkt: string;
      try {
        const proof = req.headers.dpop;
        proofJkt = await deps.dpop.verify(typeof proof === 'string' ? proof : undefined, {
          method: req.method,
          url: issuer + req.path,
          accessToken: token,
          now,
        });
      } catch (err) {
        if (err instanceof DpopError) throw unauthorized('DPoP', 'invalid_dpop_proof', err.message);
        throw err;
      }
      if (proofJkt !== jkt) throw unauthorized('DPoP', 'invalid_dpop_proof', 'the DPoP proof key is not the key the token is bound to');
    } else if (scheme === 'DPoP') {
      throw unauthorized('DPoP', 'invalid_token', 'the token is not DPoP-bound; present it as a Bearer token');
    }

    const clientId = claims.client_id!;
    const live = await deps.clients.statusWithKey(clientId, claims.zcd_kjkt!);
    if (!live || live.status !== 'active' || live.kind !== claims.zcd_kind) {
      throw unauthorized(scheme, 'invalid_token', 'the client or the key it authenticated with is no longer active');
    }

    const scopes = String(claims.scope).split(' ').filter((s): s is Scope => s === 'institution' || s === 'admin');
    const needed: Scope = 'party' in access ? (live.kind === 'bureau' ? 'admin' : 'institution') : access.scope;
    if (!scopes.includes(needed)) {
      throw new DomainError(403, 'insufficient_scope', `This operation needs the ${needed} scope.`, {}, {
        'WWW-Authenticate': challenge(scheme, 'insufficient_scope', `the ${needed} scope is required`, { scope: needed }),
      });
    }
    if (live.kind === 'bureau') {
      if (typeof claims.zcd_region !== 'string') throw unauthorized(scheme, 'invalid_token', 'the token names no region');
      return { kind: 'bureau', clientId, bureauId: clientId, regionCode: claims.zcd_region, scopes, role: 'admin' } satisfies Principal;
    }
    return { kind: 'institution', clientId, institutionId: clientId, scopes } satisfies Principal;
  };

  return async (access, req: Request) => {
    const principal = await authenticate(access, req);
    checkRole(access, principal);
    return principal;
  };
}
