import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { requestId } from './http/request-id.js';
import { mountRoutes, type RouteDefinition } from './http/route.js';
import { createDocsRoutes } from './features/docs/docs-routes.js';
import { createHealthRoutes, databaseChecks } from './features/health/health-routes.js';
import { KnexRegionStore } from './features/regions/regions-knex-store.js';
import { RegionService } from './features/regions/regions-service.js';
import { createRegionRoutes } from './features/regions/regions-routes.js';

/** The largest JSON body the gateway reads. */
export const BODY_LIMIT = '256kb';

/** What the app is built from. */
export interface AppDeps {
  config: Pick<Config, 'issuer'>;
  db: Knex;
  logger: Logger;
}

/** The express app and the operations it publishes. */
export interface Gateway {
  app: Express;
  routes: readonly RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Builds the app: request id and logs → security headers → JSON body → routes → 404 → problem+json. */
export function createApp({ db, logger }: AppDeps): Gateway {
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

  const regions = new RegionService(new KnexRegionStore(db));
  const routes = [
    ...createHealthRoutes({ checks: databaseChecks(db) }),
    ...createDocsRoutes(),
    ...createRegionRoutes({ regions }),
  ];
  const router = express.Router();
  mountRoutes(router, routes);
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger.child({ module: 'errors' })));
  return { app, routes };
}
