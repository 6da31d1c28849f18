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

/** Starts a gateway for one test file. */
export async function startTestGateway(): Promise<TestGateway> {
  const database = await migratedDatabase();
  const gateway = createApp({
    config: { issuer: 'http://gateway.test' },
    db: database.db,
    logger: createLogger('silent'),
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
