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
import type { ProcurementCloud } from '../adapters/procurement-cloud.js';
import { SandboxCloud } from '../adapters/sandbox/sandbox-cloud.js';
import type { SupplierIdentityVerifier } from './http/principal.js';
import { CloudSupplierIdentityVerifier } from './features/supplier-identity/cloud-supplier-identity-verifier.js';
import { createMetrics, type GatewayMetrics } from './features/metrics/metrics.js';
import { createMetricsRoutes } from './features/metrics/metrics-routes.js';
import { KnexSyncStore } from './features/sync/sync-knex-store.js';
import { SyncService } from './features/sync/sync-service.js';
import { QuarantineService } from './features/upstream/quarantine-service.js';
import { createUpstreamRoutes } from './features/upstream/upstream-routes.js';

/** The largest JSON body the gateway reads. */
export const BODY_LIMIT = '256kb';

/** What the app is built from. */
export interface AppDeps {
  config: Pick<Config, 'issuer'> & Partial<Pick<Config, 'syncPageSize'>>;
  db: Knex;
  logger: Logger;
  /** The procurement cloud; the sandbox on `db` when not given. */
  cloud?: ProcurementCloud;
  metrics?: GatewayMetrics;
}

/** The verifier of supplier identity tokens: the cloud's keys, this gateway as audience. */
export function createSupplierIdentityVerifier(cloud: ProcurementCloud, issuer: string): SupplierIdentityVerifier {
  return new CloudSupplierIdentityVerifier({ keys: () => cloud.keys(), audience: issuer });
}

/** The express app and the operations it publishes. */
export interface Gateway {
  app: Express;
  routes: readonly RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  cloud: ProcurementCloud;
  /** The ingest path shared by the sync loop and pushed notifications. */
  sync: SyncService;
  metrics: GatewayMetrics;
  supplierIdentity: SupplierIdentityVerifier;
}

/** Builds the app: request id and logs → security headers → JSON body → routes → 404 → problem+json. */
export function createApp({ config, db, logger, ...deps }: AppDeps): Gateway {
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
  const cloud = deps.cloud ?? new SandboxCloud(db);
  const metrics = deps.metrics ?? createMetrics(() => cloud.health());
  const syncStore = new KnexSyncStore(db);
  const sync = new SyncService({
    db,
    store: syncStore,
    cloud,
    pageSize: config.syncPageSize ?? 1000,
    onIngest: (source, r) => {
      metrics.syncChanges.inc({ source, outcome: 'applied' }, r.applied);
      metrics.syncChanges.inc({ source, outcome: 'skipped' }, r.skipped);
      metrics.syncChanges.inc({ source, outcome: 'quarantined' }, r.quarantined);
    },
  });
  const upstreamCheck = async () => {
    const h = cloud.health();
    return h.detail === undefined ? { ok: h.ok } : { ok: h.ok, detail: h.detail };
  };
  const routes = [
    ...createUpstreamRoutes({ cloud, sync, quarantine: new QuarantineService(syncStore) }),
    ...createMetricsRoutes({ metrics }),
    ...createHealthRoutes({ checks: { ...databaseChecks(db), upstream: upstreamCheck } }),
    ...createDocsRoutes(),
    ...createRegionRoutes({ regions }),
  ];
  const router = express.Router();
  mountRoutes(router, routes);
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger.child({ module: 'errors' })));
  return { app, routes, cloud, sync, metrics, supplierIdentity: createSupplierIdentityVerifier(cloud, config.issuer) };
}
