import type { AxiosInstance } from 'axios';
import type { Knex } from '../../db/knex.js';
import type { Config } from '../../config.js';
import { systemClock, type Clock } from '../../clock.js';
import { createAccessGuard } from './authenticate.js';
import type { SupplierIdentityVerifier } from '../../http/principal.js';
import type { AccessGuard } from '../../http/route.js';
import type { SessionGate } from '../sessions/session-gate.js';
import { KnexClientStore } from './clients-knex-store.js';
import type { ClientStore } from './clients-store.js';
import { DpopVerifier } from './dpop.js';
import { GatewayKeys } from './gateway-keys.js';
import { KnexGatewayKeyStore } from './gateway-keys-knex-store.js';
import { KeyImportCache } from './jwks.js';
import { KnexJtiStore } from './jti-knex-store.js';
import { RateLimiter } from './rate-limiter.js';
import { sharedLimiter } from './rate-limit-knex-store.js';
import { RemoteJwks } from './remote-jwks.js';
import { TokenService } from './token-service.js';

/** The settings authentication reads. */
export type AuthConfig = Pick<
  Config,
  'issuer' | 'jwksUriAllowPrivate' | 'jwksUriTimeoutMs' | 'jwksUriCooldownMs' | 'jwksUriCacheMs' | 'tokenRateLimitPerMinute'
>;

/** Everything authentication is made of, wired once per app. */
export interface Auth {
  guard: AccessGuard;
  tokens: TokenService;
  gatewayKeys: GatewayKeys;
  clients: ClientStore;
  remoteJwks: RemoteJwks;
}

/** Builds the token endpoint's logic and the access guard on one database. */
export function createAuth(deps: {
  db: Knex;
  config: AuthConfig;
  clock?: Clock;
  supplierVerifier?: SupplierIdentityVerifier;
  /** People's browser sessions, which the guard accepts beside tokens. */
  sessions?: SessionGate;
  http?: AxiosInstance;
}): Auth {
  const clock = deps.clock ?? systemClock;
  const gatewayKeys = new GatewayKeys(new KnexGatewayKeyStore(deps.db), clock);
  const clients = new KnexClientStore(deps.db);
  const jtis = new KnexJtiStore(deps.db, clock);
  const imports = new KeyImportCache();
  const dpop = new DpopVerifier(jtis, imports);
  const remoteJwks = new RemoteJwks(deps.config, clock, deps.http);
  const tokens = new TokenService({
    config: deps.config,
    clients,
    remote: remoteJwks,
    gatewayKeys,
    jtis,
    imports,
    dpop,
    // Shared by every instance on PostgreSQL, so N instances do not allow N times the limit.
    limiter: sharedLimiter(deps.db, 'token', deps.config.tokenRateLimitPerMinute, 60_000, clock, () => new RateLimiter(deps.config.tokenRateLimitPerMinute, 60_000, clock)),
    clock,
  });
  const guard = createAccessGuard({
    config: deps.config,
    gatewayKeys,
    clients,
    dpop,
    clock,
    ...(deps.supplierVerifier ? { supplierVerifier: deps.supplierVerifier } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
  });
  return { guard, tokens, gatewayKeys, clients, remoteJwks };
}
