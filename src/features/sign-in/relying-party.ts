import * as oidc from 'openid-client';
import type { OidcProviderTarget } from '../../config.js';
import type { RelyingPartyKeys } from './relying-party-keys.js';
import { signInErrors, SignInError } from './sign-in-errors.js';

/** The checks of one sign-in: what the gateway sent and expects back. */
export interface FlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the ID token vouched for. */
export type IdClaims = Record<string, unknown> & { iss: string; sub: string };

const loopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/**
 * The gateway as an OpenID relying party at one provider (openid-client): discovery, authorization code
 * with PKCE (S256), `state` and `nonce`, `private_key_jwt` at the token endpoint, the ID token's signature
 * verified. Discovery is remembered once it succeeds and tried again after a failure.
 */
export class RelyingParty {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly deps: {
      target: OidcProviderTarget;
      redirectUri: string;
      scope: string;
      keys: RelyingPartyKeys;
      timeoutMs: number;
      /** Plain http to the provider: the sandbox, or a provider on loopback. */
      allowHttp?: boolean;
      /** The HTTP client; the global fetch unless given (tests make the provider fail through it). */
      fetch?: typeof fetch;
    },
  ) {}

  /** Where to send the browser, for the checks of this flow. */
  async authorizationUrl(checks: FlowChecks): Promise<URL> {
    const config = await this.config();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.deps.redirectUri,
      response_type: 'code',
      scope: this.deps.scope,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /** Exchanges the code of the provider's answer at `callbackUrl`; the verified ID token's claims. */
  async exchange(callbackUrl: URL, checks: FlowChecks): Promise<IdClaims> {
    const config = await this.config();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw signInErrors.idTokenInvalid();
      return claims as IdClaims;
    } catch (err) {
      throw classify(err);
    }
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= this.discover().catch((err: unknown) => {
      this.configuration = undefined;
      throw classify(err);
    });
    return this.configuration;
  }

  private async discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.deps.target.issuer);
    const { kid, key } = await this.deps.keys.signingKey();
    const insecure = issuer.protocol === 'http:' && (this.deps.allowHttp === true || loopback(issuer));
    const config = await oidc.discovery(
      issuer,
      this.deps.target.clientId,
      { id_token_signed_response_alg: 'ES256' },
      oidc.PrivateKeyJwt({ key, kid }),
      {
        timeout: Math.max(1, Math.ceil(this.deps.timeoutMs / 1000)),
        execute: [oidc.enableNonRepudiationChecks, ...(insecure ? [oidc.allowInsecureRequests] : [])],
        ...(this.deps.fetch ? { [oidc.customFetch]: this.deps.fetch } : {}),
      },
    );
    return config;
  }
}

/** Maps what openid-client throws to the page the person sees. */
function classify(err: unknown): SignInError {
  if (err instanceof SignInError) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    return ['server_error', 'temporarily_unavailable'].includes(err.error) ? signInErrors.providerUnavailable(err) : signInErrors.providerRefused(safeCode(err.error));
  }
  if (err instanceof oidc.ResponseBodyError) return err.status >= 500 ? signInErrors.providerUnavailable(err) : signInErrors.codeRejected(err);
  if (err instanceof oidc.ClientError) {
    const claim = (err.cause as { cause?: { claim?: unknown } } | undefined)?.cause?.claim;
    if (err.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'nonce') return signInErrors.nonceMismatch();
    if (err.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || err.code === 'OAUTH_INVALID_RESPONSE') return signInErrors.answerMismatch(err);
    if (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_RESPONSE_IS_NOT_JSON') return signInErrors.providerUnavailable(err);
    return signInErrors.idTokenInvalid(err);
  }
  // Everything else (refused or reset connections, DNS, timeouts) means the provider could not be asked.
  return signInErrors.providerUnavailable(err);
}

/** An OAuth error code is [\x20-\x21\x23-\x5B\x5D-\x7E]+ (RFC 6749); anything else is not shown. */
const safeCode = (code: string) => (/^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'unknown_error');
