import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import type { Config } from '../../config.js';
import type { components } from '../../generated/openapi.js';
import { epochSeconds, systemClock, type Clock } from '../../clock.js';
import type { Scope } from '../../http/principal.js';
import type { GatewayKeys } from './gateway-keys.js';
import { CLIENT_ALGS, algForKey, registeredKeys, type ClientAlg, type KeyImportCache, type RegisteredKey } from './jwks.js';
import type { JtiStore } from './jti-store.js';
import type { ClientRecord, ClientStore } from './clients-store.js';
import { DpopError, type DpopVerifier } from './dpop.js';
import type { Limiter } from './shared-rate-limit.js';
import { RemoteJwksError, type RemoteJwks } from './remote-jwks.js';
import { OAuthError } from './oauth-error.js';

/** Lifetime of an access token, seconds. */
export const ACCESS_TOKEN_TTL_S = 600;
/** Longest lifetime a client assertion may declare, seconds. */
export const ASSERTION_MAX_LIFETIME_S = 300;
/** Clock skew tolerated on client assertions, seconds. */
export const CLOCK_TOLERANCE_S = 10;
type TokenRequest = components['schemas']['TokenRequest'];

/** The client assertion type of RFC 7523, the one the spec's `TokenRequest` takes. */
export const JWT_BEARER_ASSERTION: TokenRequest['client_assertion_type'] = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The one grant type the spec's `TokenRequest` takes. */
const CLIENT_CREDENTIALS: TokenRequest['grant_type'] = 'client_credentials';

/** The scopes each kind of client may hold. */
export const SCOPES_BY_KIND: Record<ClientRecord['kind'], readonly Scope[]> = { institution: ['institution'], bureau: ['admin'] };

/** A successful token response (RFC 6749 §5.1), as the spec publishes it. */
export type TokenResponse = components['schemas']['TokenResponse'];

/** Claims of the gateway's access tokens beyond RFC 9068's. */
export interface AccessTokenClaims {
  client_id: string;
  scope: string;
  /** Thumbprint of the client key the token was obtained with; the key must still be registered. */
  zcd_kjkt: string;
  /** `institution` or `bureau`. */
  zcd_kind: ClientRecord['kind'];
  /** For a bureau: its region code. */
  zcd_region?: string;
  cnf?: { jkt: string };
}

const invalidClient = (why: string) => new OAuthError(401, 'invalid_client', why);

/** The token endpoint's logic: client_credentials with private_key_jwt, optionally DPoP-bound. */
export class TokenService {
  private readonly remoteRegistered = new WeakMap<JWK[], Promise<RegisteredKey[]>>();

  constructor(
    private readonly deps: {
      config: Pick<Config, 'issuer'>;
      clients: ClientStore;
      remote: RemoteJwks;
      gatewayKeys: GatewayKeys;
      jtis: JtiStore;
      imports: KeyImportCache;
      dpop: DpopVerifier;
      limiter: Limiter;
      clock?: Clock;
    },
  ) {}

  private now(): Date {
    return (this.deps.clock ?? systemClock)();
  }

  /** Answers one token request, or throws {@link OAuthError}. */
  async issue(form: Record<string, unknown>, dpopProof: string | undefined): Promise<TokenResponse> {
    // Field names typed by the spec's TokenRequest: a renamed field fails tsc.
    const field = (name: keyof TokenRequest): string | undefined => {
      const v = form[name];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `${name} must appear once`);
      return v;
    };
    const grantType = field('grant_type');
    const assertionType = field('client_assertion_type');
    const assertion = field('client_assertion');
    const clientIdParam = field('client_id');
    const scopeParam = field('scope');
    if (grantType === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
    if (assertion === undefined || assertionType === undefined) {
      throw invalidClient('client authentication with private_key_jwt is required');
    }
    if (assertionType !== JWT_BEARER_ASSERTION) throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);

    const client = await this.authenticateClient(assertion, clientIdParam);

    if (grantType !== CLIENT_CREDENTIALS) throw new OAuthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    const allowed = SCOPES_BY_KIND[client.kind];
    const requested = scopeParam === undefined || scopeParam.trim() === '' ? [...allowed] : scopeParam.split(' ').filter(Boolean);
    if (!requested.every((s) => (allowed as string[]).includes(s))) {
      throw new OAuthError(400, 'invalid_scope', `this client may request: ${allowed.join(' ')}`);
    }

    let jkt: string | undefined;
    if (dpopProof !== undefined) {
      try {
        jkt = await this.deps.dpop.verify(dpopProof, { method: 'POST', url: `${this.deps.config.issuer}/oauth2/token`, now: this.now() });
      } catch (err) {
        if (err instanceof DpopError) throw new OAuthError(400, 'invalid_dpop_proof', err.message);
        throw err;
      }
    } else if (client.record.dpopRequired) {
      throw new OAuthError(400, 'invalid_dpop_proof', 'this client must present a DPoP proof');
    }

    const claims: AccessTokenClaims = {
      client_id: client.record.clientId,
      scope: [...new Set(requested)].join(' '),
      zcd_kjkt: client.keyJkt,
      zcd_kind: client.kind,
      ...(client.record.regionCode ? { zcd_region: client.record.regionCode } : {}),
      ...(jkt ? { cnf: { jkt } } : {}),
    };
    const iat = epochSeconds(this.now());
    const token = await this.deps.gatewayKeys.sign(
      {
        ...claims,
        iss: this.deps.config.issuer,
        sub: client.record.clientId,
        aud: this.deps.config.issuer,
        iat,
        exp: iat + ACCESS_TOKEN_TTL_S,
        jti: randomUUID(),
      },
      'at+jwt',
    );
    return { access_token: token, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, scope: claims.scope };
  }

  private async authenticateClient(
    assertion: string,
    clientIdParam: string | undefined,
  ): Promise<{ record: ClientRecord; kind: ClientRecord['kind']; keyJkt: string }> {
    if (assertion.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(assertion)) {
      throw invalidClient('client_assertion is not a compact JWS');
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      unverified = decodeJwt(assertion);
    } catch {
      throw invalidClient('client_assertion cannot be decoded');
    }
    if (!CLIENT_ALGS.includes(header.alg as ClientAlg)) throw invalidClient(`client_assertion alg must be one of ${CLIENT_ALGS.join(', ')}`);
    const alg = header.alg as ClientAlg;
    for (const forbidden of ['jwk', 'jku', 'x5u', 'x5c', 'crit'] as const) {
      if (forbidden in header) throw invalidClient(`client_assertion must not carry a ${forbidden} header; keys are registered`);
    }
    if (header.typ !== undefined && !['JWT', 'client-authentication+jwt'].includes(header.typ)) {
      throw invalidClient('client_assertion typ is not acceptable');
    }
    const clientId = unverified.iss;
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 64) throw invalidClient('client_assertion needs an iss');
    if (clientIdParam !== undefined && clientIdParam !== clientId) throw invalidClient('client_id does not match the assertion');

    const record = await this.deps.clients.find(clientId);
    if (!record) throw invalidClient('client authentication failed');
    const limit = await this.deps.limiter.take(clientId);
    if (!limit.ok) {
      throw new OAuthError(429, 'rate_limited', 'too many token requests for this client', { 'Retry-After': String(limit.retryAfterS) });
    }

    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const candidates = (await this.keysOf(record, kid)).filter((k) => algForKey(k.jwk) === alg && (k.jwk.alg ?? alg) === alg);
    if (candidates.length === 0) throw invalidClient(kid === undefined ? 'no registered key fits the assertion' : 'unknown kid');

    const now = this.now();
    let payload: Record<string, unknown> | undefined;
    let used: RegisteredKey | undefined;
    for (const candidate of candidates) {
      try {
        ({ payload } = await jwtVerify(assertion, await this.deps.imports.import(candidate, alg), {
          algorithms: [alg],
          issuer: clientId,
          subject: clientId,
          audience: this.deps.config.issuer,
          currentDate: now,
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
        }));
        used = candidate;
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw invalidClient(`client_assertion rejected: ${claimProblem(err)}`);
      }
    }
    if (!payload || !used) throw invalidClient('client_assertion signature does not verify');

    const nowS = epochSeconds(now);
    const { iat, exp, jti } = payload as { iat: number; exp: number; jti: unknown };
    if (iat > nowS + CLOCK_TOLERANCE_S) throw invalidClient('client_assertion iat is in the future');
    if (exp - iat > ASSERTION_MAX_LIFETIME_S) throw invalidClient('client_assertion lifetime exceeds 5 minutes');
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw invalidClient('client_assertion needs a jti');
    if (record.status !== 'active') throw invalidClient('the client is not active');
    if (!(await this.deps.jtis.use(`assertion:${clientId}:${jti}`, exp + CLOCK_TOLERANCE_S))) {
      throw invalidClient('client_assertion jti was already used');
    }
    return { record, kind: record.kind, keyJkt: used.jkt };
  }

  /** The client's keys with `kid` (all, without one); a `jwks_uri` is refetched once on an unknown kid. */
  private async keysOf(record: ClientRecord, kid: string | undefined): Promise<RegisteredKey[]> {
    const pick = (keys: RegisteredKey[]) => (kid === undefined ? keys : keys.filter((k) => k.kid === kid));
    if (!record.jwksUri) return pick(record.keys);
    let keys = await this.remoteKeys(record, false);
    if (kid !== undefined && pick(keys).length === 0) keys = await this.remoteKeys(record, true);
    return pick(keys);
  }

  private async remoteKeys(record: ClientRecord, refresh: boolean): Promise<RegisteredKey[]> {
    let jwks: JWK[];
    try {
      jwks = await this.deps.remote.keys(record.jwksUri!, refresh);
    } catch (err) {
      if (err instanceof RemoteJwksError) throw invalidClient(`the client's ${err.message}`);
      throw err;
    }
    let registered = this.remoteRegistered.get(jwks);
    if (!registered) {
      registered = usableKeys(jwks);
      this.remoteRegistered.set(jwks, registered);
    }
    const keys = await registered;
    // Mirror the fetched set so the resource side sees removals with its primary-key read.
    const known = record.keys.map((k) => k.jkt).sort().join();
    if (keys.map((k) => k.jkt).sort().join() !== known) {
      await this.deps.clients.replaceKeys(record.clientId, keys);
      record.keys = keys;
    }
    return keys;
  }
}

async function usableKeys(jwks: JWK[]): Promise<RegisteredKey[]> {
  const out: RegisteredKey[] = [];
  for (const jwk of jwks) {
    try {
      out.push(...(await registeredKeys({ keys: [jwk] })));
    } catch {
      // A key the gateway cannot use (another algorithm, an encryption key) is simply not a candidate.
    }
  }
  return out;
}

function claimProblem(err: unknown): string {
  const e = err as { code?: string; claim?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim ${e.claim ?? ''} is missing or wrong`.replace('  ', ' ');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
      return 'malformed';
    default:
      return 'invalid';
  }
}
