import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, type Knex } from '../../src/db/knex.js';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

let fresh: TestDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.dispose();
});

const count = async (db: Knex, table: string) => Number(((await db(table).count({ n: '*' }).first()) as { n: number | string }).n);

describe(`zcd serve with the sandbox cloud on ${testDatabaseKind}`, () => {
  it('seeds the demo on an empty sandbox, then syncs what another process publishes, and stops on SIGTERM', async () => {
    const env = { DATABASE_URL: fresh.url, PORT: '0', SYNC_INTERVAL_MS: '100' };
    const child = spawnZcd(['serve'], env);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitForLine(child, /"url":"(http:\/\/[^"]+)"/, 30_000);
    const db = createDb(fresh.target);
    try {
      expect(await count(db, 'contracts')).toBeGreaterThan(150);
      const before = await count(db, 'events');

      // Another process moves the sandbox clock; the server's sync loop brings the new changes in.
      const advanced = await runZcd(['sandbox', 'advance', '--days', '60'], { DATABASE_URL: fresh.url });
      expect(advanced.code, advanced.stderr).toBe(0);
      const published = Number(/(\d+) changes published/.exec(advanced.stdout)![1]);
      expect(published).toBeGreaterThan(0);
      const deadline = Date.now() + 15_000;
      while ((await count(db, 'events')) < before + published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await count(db, 'events')).toBe(before + published);
      expect(await new SandboxCloud(db).contractCount()).toBe(200);
    } finally {
      await db.destroy();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
