import { createServer, type Server } from 'node:http';
import { clientErrorAnswer } from './http/problem.js';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { createDb, migrateLatest, type Knex } from './db/knex.js';
import type { Logger } from './logger.js';
import { seedRegions } from '../seeds/regions.js';
import { createProcurementCloud } from '../adapters/create-cloud.js';
import type { ProcurementCloud } from '../adapters/procurement-cloud.js';
import { SandboxCloud, SANDBOX_DEMO_CONTRACTS } from '../adapters/sandbox/sandbox-cloud.js';
import { createMetrics } from './features/metrics/metrics.js';
import { SyncLoop } from './features/sync/sync-loop.js';
import { PeriodicTask } from './features/background/periodic-task.js';
import { createDispatcher, type WebhookDispatcher } from './features/events/webhook-dispatcher.js';

/** A running gateway. */
export interface RunningGateway {
  server: Server;
  db: Knex;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the database. */
  stop(): Promise<void>;
}

/** Migrates, seeds reference data and starts listening. */
export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const db = createDb(config.database);
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  await seedRegions(db);

  const cloud: ProcurementCloud = createProcurementCloud(config.upstream, db, {
    // Called only once requests flow, after `metrics` exists.
    onAttempt: (operation, outcome) => metrics.upstreamAttempts.inc({ operation, outcome }),
    onCircuitChange: (state) => logger.warn({ circuit: state }, 'procurement cloud circuit changed'),
  });
  const metrics = createMetrics(() => cloud.health());
  let dispatcher: WebhookDispatcher | undefined;
  const { app, sync, events, applications, signIn, auditTree, supervision } = createApp({ config, db, logger, cloud, metrics, onEventsQueued: () => dispatcher?.wake() });
  if (config.webhookDispatch) dispatcher = createDispatcher(events, config, logger.child({ module: 'webhooks' }));
  if (cloud instanceof SandboxCloud && (await cloud.contractCount()) === 0) {
    // A fresh sandbox: seed the demo and sync it, so the first request already shows contracts.
    await cloud.seed(SANDBOX_DEMO_CONTRACTS);
    const synced = await sync.runOnce();
    logger.info({ contracts: SANDBOX_DEMO_CONTRACTS, changes: synced.applied }, 'sandbox demo data seeded');
  }
  // A fresh sandbox also gets the demo bureaus and their staff, so that someone can sign in to the console at once.
  await signIn.seedSandboxDemo();
  const loop = new SyncLoop({ sync, intervalMs: config.syncIntervalMs, logger: logger.child({ module: 'sync' }) });
  // Locks the cloud did not confirm at once (or could not be asked about) are asked about again, and so are
  // releases of ended financings' accounts, until the cloud confirms each; passed policy deadlines are recorded.
  const locks = new PeriodicTask({
    name: 'collection-account locks and releases',
    intervalMs: config.lockPollIntervalMs,
    logger: logger.child({ module: 'financing' }),
    work: async () => (await applications.pollLocks()) + (await applications.pollReleases()) + (await applications.sweepDeadlines()),
  });
  // Every instance runs the sequencer; the advisory lock lets one at a time add entries and publish a head.
  const sequencer = new PeriodicTask({
    name: 'audit sequencer',
    intervalMs: config.auditSequenceIntervalMs ?? 1_000,
    logger: logger.child({ module: 'audit' }),
    work: () => auditTree.sequence(),
  });
  // Payments past their due date on financed contracts are announced to the banks (payment.overdue), once each.
  const overdue = new PeriodicTask({
    name: 'payment due dates',
    intervalMs: config.paymentCheckIntervalMs,
    logger: logger.child({ module: 'supervision' }),
    work: () => supervision.checkOverdue(),
  });
  const server = createServer(app);
  server.on('clientError', clientErrorAnswer);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, database: config.database.client, upstream: config.upstream.kind }, 'zcd-gateway listening');
  loop.start();
  locks.start();
  sequencer.start();
  overdue.start();
  dispatcher?.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const loopStopped = Promise.all([loop.stop(), locks.stop(), sequencer.stop(), overdue.stop()]);
      const dispatchStopped = dispatcher?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await loopStopped;
      await dispatchStopped;
      await db.destroy();
      logger.info('zcd-gateway stopped');
    })());
  return { server, db, url, stop };
}
