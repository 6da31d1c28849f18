import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Config } from './config.js';
import type { Knex } from './db/knex.js';
import { knexTransactional } from './db/transaction.js';
import type { Logger } from './logger.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { requestLogging } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { mountRoutes, type RouteDefinition } from './http/route.js';
import { RouteTable } from './http/route-table.js';
import { noteInvalidUtf8, refuseForeignCharset } from './http/edge.js';
import { OAuthError } from './features/auth/oauth-error.js';
import { IdempotencyStore } from './http/idempotency.js';
import { createDocsRoutes } from './features/docs/docs-routes.js';
import { createHealthRoutes } from './features/health/health-routes.js';
import { databaseChecks } from './db/health.js';
import { KnexRegionStore } from './features/regions/regions-knex-store.js';
import { RegionService } from './features/regions/regions-service.js';
import { createRegionRoutes } from './features/regions/regions-routes.js';
import { systemClock, type Clock } from './clock.js';
import type { SupplierIdentityVerifier } from './http/principal.js';
import { createAuth, type Auth, type AuthConfig } from './features/auth/auth-module.js';
import { createAuthRoutes } from './features/auth/auth-routes.js';
import { KnexInstitutionStore } from './features/institutions/institutions-knex-store.js';
import { createInstitutionRoutes } from './features/institutions/institutions-routes.js';
import { createOnboarding } from './features/institutions/onboarding-module.js';
import { createBureauRoutes } from './features/bureaus/bureaus-routes.js';
import type { ProcurementCloud } from '../adapters/procurement-cloud.js';
import { SandboxCloud } from '../adapters/sandbox/sandbox-cloud.js';
import { CloudSupplierIdentityVerifier } from './features/supplier-identity/cloud-supplier-identity-verifier.js';
import { createMetrics, type GatewayMetrics } from './features/metrics/metrics.js';
import { createMetricsRoutes } from './features/metrics/metrics-routes.js';
import type { SyncService } from './features/sync/sync-service.js';
import { createSyncService } from './features/sync/sync-module.js';
import { KnexSyncStore } from './features/sync/sync-knex-store.js';
import { QuarantineService } from './features/upstream/quarantine-service.js';
import { createUpstreamRoutes } from './features/upstream/upstream-routes.js';
import { KnexFinancingStore } from './features/financing/financing-knex-store.js';
import { ProductService } from './features/financing/products-service.js';
import { ApplicationService } from './features/financing/applications-service.js';
import { KnexContractSource } from './features/financing/contract-source-knex-store.js';
import { StoreInstitutionDirectory } from './features/financing/institution-directory.js';
import { CloudLockRelay } from './features/financing/cloud-lock-relay.js';
import { createFinancingRoutes } from './features/financing/financing-routes.js';
import { AuditTree, TREE_HEAD_TYP } from './features/audit/audit-tree.js';
import { KnexAuditStore } from './features/audit/audit-knex-store.js';
import { createAuditRoutes } from './features/audit/audit-routes.js';
import { KnexMarketplaceStore } from './features/marketplace/marketplace-knex-store.js';
import { MarketplaceService } from './features/marketplace/marketplace-service.js';
import { createMarketplaceRoutes } from './features/marketplace/marketplace-routes.js';
import { KnexPolicyStore } from './features/policy/policy-knex-store.js';
import { PolicyService } from './features/policy/policy-service.js';
import { createPolicyRoutes } from './features/policy/policy-routes.js';
import { KnexAdminAuditStore } from './features/audit/admin-audit-knex-store.js';
import { createAdminAuditRoutes } from './features/audit/admin-audit-routes.js';
import { createStatisticsModule, type StatisticsConfig } from './features/statistics/statistics-module.js';
import { Outbox } from './features/events/outbox.js';
import { KnexEventsStore } from './features/events/events-knex-store.js';
import type { EventsStore } from './features/events/events-store.js';
import { EventsService } from './features/events/events-service.js';
import { createEventsRoutes } from './features/events/events-routes.js';
import { KnexSupplierNotificationsStore } from './features/supplier-notifications/supplier-notifications-knex-store.js';
import { createSupplierNotificationRoutes } from './features/supplier-notifications/supplier-notifications-routes.js';
import { SupplierNotificationsService } from './features/supplier-notifications/supplier-notifications-service.js';
import { SANDBOX_OIDC_PATH, sandboxSignIn } from './config.js';
import { createSignInModule, type SignInModule } from './features/sign-in/sign-in-module.js';
import { createWebApp } from './features/web/web-app.js';
import { NoticeService } from './features/notices/notices-service.js';
import { KnexNoticeStore } from './features/notices/notices-knex-store.js';
import { createNoticeRoutes } from './features/notices/notices-routes.js';
import { SupervisionService } from './features/supervision/supervision-service.js';
import { KnexSupervisionStore } from './features/supervision/supervision-knex-store.js';
import { createSupervisionRoutes } from './features/supervision/supervision-routes.js';
import { STATUTORY_PAYMENT_RULES } from './features/supervision/payment-due.js';
import { packageRoot } from './paths.js';

/** The largest JSON body the gateway reads. */
export const BODY_LIMIT = '256kb';

const TOKEN_PATH = '/oauth2/token';

/** The form parser's refusals at the token endpoint, as RFC 6749 §5.2 errors. */
const tokenBodyErrors: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  const type = (err as { type?: unknown } | null)?.type;
  next(typeof type === 'string' ? new OAuthError(400, 'invalid_request', 'the token request body could not be read as a form') : err);
};

/** What the app is built from. */
export interface AppDeps {
  config: AuthConfig & StatisticsConfig & Partial<Pick<Config, 'syncPageSize' | 'signIn' | 'paymentDaysStatutory' | 'paymentDaysMax' | 'webhookAllowPrivate'>>;
  db: Knex;
  logger: Logger;
  /** The time source of token checks and the financing lifecycle (tests advance it). */
  clock?: Clock;
  /** Verifies SME identity tokens; the cloud's keys with this gateway as audience when not given. */
  supplierVerifier?: SupplierIdentityVerifier;
  /** The procurement cloud; the sandbox on `db` when not given. */
  cloud?: ProcurementCloud;
  metrics?: GatewayMetrics;
  /** Called when a redelivery is queued, so an in-process dispatcher sends it at once. */
  onEventsQueued?: () => void;
  /** The HTTP client towards identity providers (sign-in); the global fetch unless given. */
  oidcFetch?: typeof fetch;
  /** The built web app (landing page, portal, console); `dist/web` of the package when not given. */
  webDir?: string;
}

/** The verifier of supplier identity tokens: the cloud's keys, this gateway as audience. */
export function createSupplierIdentityVerifier(cloud: ProcurementCloud, issuer: string): SupplierIdentityVerifier {
  return new CloudSupplierIdentityVerifier({ keys: (kid) => cloud.keys(kid), audience: issuer });
}

/** The express app, the operations it publishes and the services a server runs beside it. */
export interface Gateway {
  app: Express;
  routes: readonly RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  auth: Auth;
  cloud: ProcurementCloud;
  /** The ingest path shared by the sync loop and pushed notifications. */
  sync: SyncService;
  metrics: GatewayMetrics;
  supplierIdentity: SupplierIdentityVerifier;
  applications: ApplicationService;
  /** The per-institution event feed and webhook delivery queue. */
  events: EventsStore;
  /** People's sign-in, sessions, the staff registry and (in the sandbox) the development identity provider. */
  signIn: SignInModule;
  /** The audit log's Merkle tree; its sequencer runs in `zcd serve`. */
  auditTree: AuditTree;
  /** Payment discipline: late payments, and `payment.overdue` to the banks of financed contracts. */
  supervision: SupervisionService;
}

/** Builds the app: request id and logs → security headers → JSON body → routes → web pages → 404 → problem+json. */
export function createApp({ config, db, logger, clock, ...deps }: AppDeps): Gateway {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);
  // Paths are matched with exact case everywhere, as the route table and the spec's conventions do.
  app.set('case sensitive routing', true);


  // Services on their stores. A change runs in `knexTransactional(db, trx => stores)`: every store it writes,
  // the outbox included, bound to the one transaction.
  const time = clock ?? systemClock;
  const regions = new RegionService(new KnexRegionStore(db));
  const cloud = deps.cloud ?? new SandboxCloud(db);
  const supplierIdentity = deps.supplierVerifier ?? createSupplierIdentityVerifier(cloud, config.issuer);
  const { institutions, bureaus } = createOnboarding(db, { config, clock: time, regions });
  const signIn = createSignInModule({
    db,
    issuer: config.issuer,
    config: config.signIn ?? sandboxSignIn(config.issuer),
    regions,
    bureaus,
    logger,
    sandboxContracts: async () => (cloud instanceof SandboxCloud ? cloud.contractCount() : 0),
    clock: time,
    ...(deps.oidcFetch ? { fetch: deps.oidcFetch } : {}),
  });
  const auth = createAuth({ db, config, supplierVerifier: supplierIdentity, sessions: signIn.gate, clock: time });
  const metrics = deps.metrics ?? createMetrics(() => cloud.health());
  const sync = createSyncService(db, {
    cloud,
    pageSize: config.syncPageSize ?? 1000,
    clock: time,
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
  // The audit log: reads append one row each; the sequencer (started by `zcd serve`) builds the Merkle tree.
  const auditTree = new AuditTree({
    store: new KnexAuditStore(db),
    issuer: config.issuer,
    sign: (claims) => auth.gatewayKeys.sign(claims, TREE_HEAD_TYP),
    clock: time,
  });
  const financingStore = new KnexFinancingStore(db);
  const policy = new PolicyService({
    store: new KnexPolicyStore(db),
    transactional: knexTransactional(db, (trx) => ({ policies: new KnexPolicyStore(trx), audit: new KnexAdminAuditStore(trx) })),
    regions,
    clock: time,
  });
  const institutionDirectory = new StoreInstitutionDirectory(new KnexInstitutionStore(db));
  const products = new ProductService({
    store: financingStore,
    transactional: knexTransactional(db, (trx) => ({ store: new KnexFinancingStore(trx), audit: new KnexAdminAuditStore(trx) })),
    regions,
    institutions: institutionDirectory,
    policy,
    clock: time,
  });
  const applications = new ApplicationService({
    store: financingStore,
    transactional: knexTransactional(db, (trx) => ({ store: new KnexFinancingStore(trx), events: new Outbox(new KnexEventsStore(trx), time) })),
    regions,
    contracts: new KnexContractSource(db),
    institutions: institutionDirectory,
    accessLog: auditTree,
    locks: new CloudLockRelay(cloud),
    logger: logger.child({ module: 'financing' }),
    policy,
    clock: time,
  });
  const institutionStore = new KnexInstitutionStore(db);
  const marketplace = new MarketplaceService({
    store: new KnexMarketplaceStore(db),
    financing: financingStore,
    transactional: knexTransactional(db, (trx) => ({
      market: new KnexMarketplaceStore(trx),
      financing: new KnexFinancingStore(trx),
      events: new Outbox(new KnexEventsStore(trx), time),
    })),
    applications,
    contracts: new KnexContractSource(db),
    regions,
    institutions: institutionDirectory,
    policy,
    covering: async (regionCodes) => (await institutionStore.list({ regions: [...regionCodes], status: 'active', limit: 10_000 })).map((i) => i.clientId),
    clock: time,
  });
  const statistics = createStatisticsModule({ db, regions, config, clock: time });
  const eventsStore = new KnexEventsStore(db);
  const notices = new NoticeService({
    store: new KnexNoticeStore(db),
    transactional: knexTransactional(db, (trx) => ({ notices: new KnexNoticeStore(trx), outbox: new Outbox(new KnexEventsStore(trx), time) })),
    regions,
    clock: time,
  });
  const supervision = new SupervisionService({
    store: new KnexSupervisionStore(db),
    transactional: knexTransactional(db, (trx) => ({ outbox: new Outbox(new KnexEventsStore(trx), time) })),
    regions,
    rules: {
      statutoryDays: config.paymentDaysStatutory ?? STATUTORY_PAYMENT_RULES.statutoryDays,
      maxDays: config.paymentDaysMax ?? STATUTORY_PAYMENT_RULES.maxDays,
    },
    clock: time,
  });
  const routes = [
    ...createUpstreamRoutes({ sync, quarantine: new QuarantineService(new KnexSyncStore(db)) }),
    ...createMetricsRoutes({ metrics }),
    ...createHealthRoutes({ checks: databaseChecks(db), advisory: { upstream: upstreamCheck } }),
    ...createDocsRoutes(),
    ...createRegionRoutes({ regions }),
    ...createAuthRoutes({ config, tokens: auth.tokens, gatewayKeys: auth.gatewayKeys }),
    ...createInstitutionRoutes({ institutions }),
    ...createBureauRoutes({ bureaus }),
    ...createFinancingRoutes({ products, applications }),
    ...createAuditRoutes({ tree: auditTree, regions }),
    ...createMarketplaceRoutes({ marketplace }),
    ...createPolicyRoutes({ policy }),
    ...statistics.routes,
    ...createNoticeRoutes({ notices }),
    ...createSupervisionRoutes({ supervision }),
    ...createAdminAuditRoutes({ audit: new KnexAdminAuditStore(db), regions }),
    ...createEventsRoutes({ events: new EventsService({ store: eventsStore, clock: time, ...(deps.onEventsQueued ? { onQueued: deps.onEventsQueued } : {}) }) }),
    ...signIn.routes,
    ...createSupplierNotificationRoutes({
      notifications: new SupplierNotificationsService(knexTransactional(db, (trx) => ({ notifications: new KnexSupplierNotificationsStore(trx) })), time),
    }),
  ];
  const table = new RouteTable();
  mountRoutes(table, routes, { guard: auth.guard, idempotency: new IdempotencyStore(db) });
  app.use(requestLogging(logger.child({ module: 'http' })));
  app.use(securityHeaders());
  // Only the token endpoint takes a form (RFC 6749), and answers every refusal, of its body too, as RFC 6749
  // §5.2 says; every other operation is JSON.
  const jsonBody = express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'], verify: noteInvalidUtf8 });
  app.use((req, res, next) => (req.path === TOKEN_PATH ? next() : refuseForeignCharset(req, res, (err?: unknown) => (err ? next(err) : jsonBody(req, res, next)))));
  app.use(TOKEN_PATH, express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20, verify: noteInvalidUtf8 }), tokenBodyErrors);
  app.use(statistics.publicPrefix, statistics.publicLimit);
  // The sandbox's development identity provider (oidc-provider), never present with UPSTREAM=http.
  if (signIn.sandboxProvider) app.use(SANDBOX_OIDC_PATH, signIn.sandboxProvider);
  app.use(table.middleware());
  // The pages are not API operations: after the route table, before the 404.
  app.use(createWebApp({ dir: deps.webDir ?? join(packageRoot, 'dist', 'web'), logger: logger.child({ module: 'web' }) }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger.child({ module: 'errors' })));
  return { app, routes, auth, cloud, sync, metrics, supplierIdentity, applications, events: eventsStore, signIn, auditTree, supervision };
}
