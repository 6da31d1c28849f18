import { webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';

/** A private JWK as `zcd keys generate` writes it: with `kid` and `alg`, registered with the gateway. */
export interface PrivateJwk extends webcrypto.JsonWebKey {
  kid: string;
  alg: string;
}

/** What the client authenticates with: the client id its finance bureau gave it and its private key. */
export interface Credentials {
  /** `ins_…` for an institution, `bur_…` for a finance bureau. */
  clientId: string;
  /** The private JWK whose public half is registered with the gateway. */
  key: PrivateJwk;
  /** Scopes to ask for; `institution` for `ins_…`, `admin` for `bur_…` unless given. */
  scope?: string;
  /** Bind tokens to a DPoP key (RFC 9449); on unless `false`. */
  dpop?: boolean;
}

/** The token endpoint refused, or the gateway answered something that is not OAuth. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    message: string,
    /** The OAuth `error` code (RFC 6749 §5.2) when the token endpoint gave one. */
    readonly error?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const IMPORT: Record<string, webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

/** Imports a private JWK for signing client assertions, naming what is wrong with it. */
export async function importPrivateJwk(jwk: PrivateJwk): Promise<webcrypto.CryptoKey> {
  const algorithm = IMPORT[jwk.alg];
  if (!algorithm) throw new AuthError(`the key's alg ${jwk.alg} is not one of ${Object.keys(IMPORT).join(', ')}`);
  if (!jwk.d) throw new AuthError('the key is a public JWK: the private part "d" is missing');
  const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...material } = jwk as PrivateJwk & { use?: string };
  return webcrypto.subtle.importKey('jwk', material, algorithm, false, ['sign']);
}

/** Renew this long before the token expires, so that no request goes out with a token about to lapse. */
const RENEW_MARGIN_S = 30;

/**
 * `private_key_jwt` client authentication (RFC 7523) and DPoP-bound access tokens (RFC 9449) with the stock
 * `oauth4webapi` library: discovers the token endpoint from the gateway's RFC 8414 metadata, gets a token,
 * renews it before it expires (one renewal at a time), retries once on a DPoP nonce challenge, and makes
 * protected requests with a fresh proof each.
 */
export class GatewayAuth {
  private as: oauth.AuthorizationServer | undefined;
  private clientAuth: oauth.ClientAuth | undefined;
  private dpop: oauth.DPoPHandle | undefined;
  private token: { value: string; type: string; renewAt: number } | undefined;
  private pending: Promise<{ value: string; type: string }> | undefined;
  private readonly client: oauth.Client;
  private readonly insecure: boolean;
  /** Tokens obtained so far (a renewal counts). */
  tokensIssued = 0;

  constructor(
    private readonly gateway: URL,
    private readonly credentials: Credentials,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {
    this.client = { client_id: credentials.clientId, token_endpoint_auth_method: 'private_key_jwt' };
    this.insecure = gateway.protocol === 'http:';
  }

  private options<T extends object>(extra?: T) {
    return { [oauth.customFetch]: this.fetchImpl, ...(this.insecure ? { [oauth.allowInsecureRequests]: true } : {}), ...extra };
  }

  private async setUp(): Promise<oauth.AuthorizationServer> {
    if (this.as) return this.as;
    const metadataUrl = new URL('/.well-known/oauth-authorization-server', this.gateway);
    let metadata: { issuer?: unknown };
    try {
      const res = await this.fetchImpl(metadataUrl);
      if (!res.ok) throw new Error(`status ${res.status}`);
      metadata = (await res.json()) as { issuer?: unknown };
    } catch (err) {
      throw new AuthError(`no OAuth metadata at ${metadataUrl.href} (${(err as Error).message})`, undefined, { cause: err });
    }
    if (typeof metadata.issuer !== 'string') throw new AuthError(`the metadata at ${metadataUrl.href} names no issuer`);
    // The issuer may differ from the address we reach the gateway at (a proxy, localhost vs 127.0.0.1):
    // the metadata is read from the issuer's own well-known URL, as RFC 8414 asks.
    const issuer = new URL(metadata.issuer);
    const response = await oauth.discoveryRequest(issuer, this.options({ algorithm: 'oauth2' as const }));
    const as = await oauth.processDiscoveryResponse(issuer, response);
    const key = await importPrivateJwk(this.credentials.key);
    this.clientAuth = oauth.PrivateKeyJwt({ key, kid: this.credentials.key.kid });
    if (this.credentials.dpop !== false) this.dpop = oauth.DPoP(this.client, await oauth.generateKeyPair('ES256'));
    this.as = as;
    return as;
  }

  /** The issuer the gateway names in its metadata. */
  async issuer(): Promise<string> {
    return (await this.setUp()).issuer;
  }

  /** Whether tokens are DPoP-bound. */
  get dpopBound(): boolean {
    return this.credentials.dpop !== false;
  }

  /** A valid access token: the cached one, or a new one when it is (nearly) expired or `force`. */
  async accessToken(force = false): Promise<{ value: string; type: string }> {
    if (!force && this.token && this.now() < this.token.renewAt) return this.token;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async requestToken(): Promise<{ value: string; type: string }> {
    const as = await this.setUp();
    const scope = this.credentials.scope ?? (this.credentials.clientId.startsWith('bur_') ? 'admin' : 'institution');
    const grant = () =>
      oauth.clientCredentialsGrantRequest(as, this.client, this.clientAuth!, { scope }, this.options(this.dpop ? { DPoP: this.dpop } : {}));
    let tokens: oauth.TokenEndpointResponse;
    try {
      try {
        tokens = await oauth.processClientCredentialsResponse(as, this.client, await grant());
      } catch (err) {
        // The server asked for a nonce: the handle has cached it from the answer; one more try carries it.
        if (!oauth.isDPoPNonceError(err)) throw err;
        tokens = await oauth.processClientCredentialsResponse(as, this.client, await grant());
      }
    } catch (err) {
      if (err instanceof oauth.ResponseBodyError) {
        throw new AuthError(`the token endpoint refused client ${this.credentials.clientId}: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`, err.error, { cause: err });
      }
      throw new AuthError(`no token for client ${this.credentials.clientId}: ${(err as Error).message}`, undefined, { cause: err });
    }
    const lifetime = tokens.expires_in ?? 300;
    const renewIn = Math.max(lifetime / 2, lifetime - RENEW_MARGIN_S);
    this.token = { value: tokens.access_token, type: tokens.token_type, renewAt: this.now() + renewIn * 1000 };
    this.tokensIssued++;
    return this.token;
  }

  /**
   * One protected request: a fresh DPoP proof, the token in `Authorization`. A DPoP nonce challenge is retried
   * once with the nonce; an `invalid_token` answer (expired or revoked early) once with a new token. Any other
   * challenge is returned as the response it came with.
   */
  async request(method: string, url: URL, headers: Headers, body: ArrayBuffer | undefined): Promise<Response> {
    let renewed = false;
    let nonceRetried = false;
    for (;;) {
      const token = await this.accessToken(renewed);
      try {
        return await oauth.protectedResourceRequest(token.value, method, url, new Headers(headers), body ?? null, this.options(this.dpop ? { DPoP: this.dpop } : {}));
      } catch (err) {
        if (!(err instanceof oauth.WWWAuthenticateChallengeError)) throw err;
        if (!nonceRetried && oauth.isDPoPNonceError(err)) {
          nonceRetried = true;
          continue;
        }
        if (!renewed && err.cause.some((c) => c.parameters.error === 'invalid_token') && /expired/i.test(err.cause.map((c) => c.parameters.error_description ?? '').join(' '))) {
          renewed = true;
          continue;
        }
        return err.response;
      }
    }
  }
}
