import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Knex } from 'knex';
import type { Logger } from './logger.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { requestId } from './http/request-id.js';
import { mountRoutes, type RouteDefinition } from './http/route.js';
import { IdempotencyStore } from './http/idempotency.js';
import { createDocsRoutes } from './features/docs/docs-routes.js';
import { createHealthRoutes, databaseChecks } from './features/health/health-routes.js';
import { KnexRegionStore } from './features/regions/regions-knex-store.js';
import { RegionService } from './features/regions/regions-service.js';
import { createRegionRoutes } from './features/regions/regions-routes.js';
import type { Clock } from './clock.js';
import type { SupplierIdentityVerifier } from './http/principal.js';
import { createAuth, type Auth, type AuthConfig } from './features/auth/auth-module.js';
import { createAuthRoutes } from './features/auth/auth-routes.js';
import { InstitutionService } from './features/institutions/institutions-service.js';
import { KnexInstitutionStore } from './features/institutions/institutions-knex-store.js';
import { createInstitutionRoutes } from './features/institutions/institutions-routes.js';
import { BureauService } from './features/bureaus/bureaus-service.js';
import { KnexBureauStore } from './features/bureaus/bureaus-knex-store.js';
import { createBureauRoutes } from './features/bureaus/bureaus-routes.js';
import { createStatisticsModule, type StatisticsConfig } from './features/statistics/statistics-module.js';

/** The largest JSON body the gateway reads. */
export const BODY_LIMIT = '256kb';

/** What the app is built from. */
export interface AppDeps {
  config: AuthConfig & StatisticsConfig;
  db: Knex;
  logger: Logger;
  /** The time source of token checks (tests advance it). */
  clock?: Clock;
  /** Verifies SME identity tokens for `{ supplier: true }` routes. */
  supplierVerifier?: SupplierIdentityVerifier;
}

/** The express app and the operations it publishes. */
export interface Gateway {
  app: Express;
  routes: readonly RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  auth: Auth;
}

/** Builds the app: request id and logs → security headers → JSON body → routes → 404 → problem+json. */
export function createApp({ config, db, logger, clock, supplierVerifier }: AppDeps): Gateway {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  app.use(
    pinoHttp({
      logger: logger.child({ module: 'http' }),
      genReqId: requestId,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      // The gateway may run on plain http behind a TLS proxy or on a laptop; the proxy sets HSTS.
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  // Only the token endpoint takes a form (RFC 6749); every other operation is JSON.
  app.use('/oauth2/token', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  const regions = new RegionService(new KnexRegionStore(db));
  const auth = createAuth({ db, config, ...(clock ? { clock } : {}), ...(supplierVerifier ? { supplierVerifier } : {}) });
  const services = { regions, config, ...(clock ? { clock } : {}) };
  const institutions = new InstitutionService({ ...services, store: new KnexInstitutionStore(db) });
  const bureaus = new BureauService({ ...services, store: new KnexBureauStore(db) });
  const statistics = createStatisticsModule({ db, regions, config, ...(clock ? { clock } : {}) });
  const routes = [
    ...createHealthRoutes({ checks: databaseChecks(db) }),
    ...createDocsRoutes(),
    ...createRegionRoutes({ regions }),
    ...createAuthRoutes({ config, tokens: auth.tokens, gatewayKeys: auth.gatewayKeys }),
    ...createInstitutionRoutes({ institutions }),
    ...createBureauRoutes({ bureaus }),
    ...statistics.routes,
  ];
  app.use(statistics.publicPrefix, statistics.publicLimit);
  const router = express.Router();
  mountRoutes(router, routes, { guard: auth.guard, idempotency: new IdempotencyStore(db) });
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger.child({ module: 'errors' })));
  return { app, routes, auth };
}
