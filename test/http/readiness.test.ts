import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollback } from '../../src/db/knex.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

describe('readiness', () => {
  it('is 503 naming the migrations while one is pending, 200 again once applied', async () => {
    await migrateRollback(gw.db, true);
    const res = await gw.client.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.checks.migrations.ok).toBe(false);
    await migrateLatest(gw.db);
    expect((await gw.client.get('/readyz')).status).toBe(200);
  });

  it('answers a broken database with a 500 that says nothing internal and carries a log id', async () => {
    await gw.db.schema.renameTable('regions', 'regions_moved');
    try {
      const res = await gw.client.get('/api/v1/regions');
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('internal_error');
      expect(res.body.log_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.text).not.toMatch(/regions|select|sqlite|relation|stack|at /i);
    } finally {
      await gw.db.schema.renameTable('regions_moved', 'regions');
    }
  });
});
