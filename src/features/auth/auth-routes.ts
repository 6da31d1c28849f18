import type { Config } from '../../config.js';
import { defineRoute } from '../../http/route.js';
import type { components } from '../../generated/openapi.js';
import { GATEWAY_ALG, type GatewayKeys } from './gateway-keys.js';
import { CLIENT_ALGS } from './jwks.js';
import { OAuthError } from './oauth-error.js';
import type { TokenService } from './token-service.js';

type Schemas = components['schemas'];

/** Authorization-server metadata (RFC 8414) of a gateway with this issuer. */
export function authorizationServerMetadata(issuer: string): Schemas['AuthorizationServerMetadata'] & Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth2/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ALGS],
    dpop_signing_alg_values_supported: [...CLIENT_ALGS],
    scopes_supported: ['institution', 'admin'],
    access_token_signing_alg_values_supported: [GATEWAY_ALG],
  };
}

/** The OAuth routes: metadata, the gateway's JWKS and the token endpoint. */
export function createAuthRoutes({ config, tokens, gatewayKeys }: { config: Pick<Config, 'issuer'>; tokens: TokenService; gatewayKeys: GatewayKeys }) {
  return [
    defineRoute({
      method: 'get',
      path: '/.well-known/oauth-authorization-server',
      operationId: 'getAuthorizationServerMetadata',
      access: { public: true },
      handler: ({ res }) => {
        res.setHeader('Cache-Control', 'public, max-age=300');
        return authorizationServerMetadata(config.issuer);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getGatewayJwks',
      access: { public: true },
      handler: async ({ res }): Promise<Schemas['GatewayJwks']> => {
        res.setHeader('Cache-Control', 'public, max-age=60');
        return (await gatewayKeys.jwks()) as Schemas['GatewayJwks'];
      },
    }),
    defineRoute({
      method: 'post',
      path: '/oauth2/token',
      operationId: 'requestToken',
      access: { public: true },
      // Errors are OAuthErrors: the error middleware lets them write their RFC 6749 §5.2 answer.
      edgeRefusal: (refusal) => new OAuthError(400, 'invalid_request', refusal.message),
      handler: async ({ req, res }): Promise<Schemas['TokenResponse']> => {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Pragma', 'no-cache');
        if (!req.is('application/x-www-form-urlencoded')) {
          throw new OAuthError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
        }
        const dpop = req.headers.dpop;
        return tokens.issue((req.body ?? {}) as Record<string, unknown>, Array.isArray(dpop) ? dpop.join(',') : dpop);
      },
    }),
  ];
}
