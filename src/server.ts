import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { createDb, migrateLatest, type Knex } from './db/knex.js';
import type { Logger } from './logger.js';
import { seedRegions } from '../seeds/regions.js';

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

  const { app } = createApp({ config, db, logger });
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, database: config.database.client }, 'zcd-gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await db.destroy();
      logger.info('zcd-gateway stopped');
    })());
  return { server, db, url, stop };
}
