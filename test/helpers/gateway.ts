import type { ProcurementCloud } from '../../adapters/procurement-cloud.js';
import { createApp, type Gateway } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Knex } from '../../src/db/knex.js';
import { migratedDatabase } from './db.js';
import { TestClient } from './http.js';

/** A gateway on a fresh migrated database, served on loopback. */
export interface TestGateway extends Gateway {
  db: Knex;
  client: TestClient;
  close(): Promise<void>;
}

/** Starts a gateway for one test file; the procurement cloud is the sandbox on its database unless given. */
export async function startTestGateway(opts: { cloud?: (db: Knex) => ProcurementCloud } = {}): Promise<TestGateway> {
  const database = await migratedDatabase();
  const gateway = createApp({
    config: { issuer: 'http://gateway.test' },
    db: database.db,
    logger: createLogger('silent'),
    ...(opts.cloud ? { cloud: opts.cloud(database.db) } : {}),
  });
  const client = await TestClient.start(gateway.app);
  return {
    ...gateway,
    db: database.db,
    client,
    async close() {
      await client.close();
      await database.dispose();
    },
  };
}
