import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import { KnexSyncStore } from '../../src/features/sync/sync-knex-store.js';
import { createSyncService } from '../../src/features/sync/sync-module.js';
import { FEED_SOURCE } from '../../src/features/sync/sync-service.js';
import { seedRegions } from '../../seeds/regions.js';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { syncedDigest } from '../helpers/cloud.js';

// Child processes on a busy CI machine: the test has its own, longer timeout.
const CONTRACTS = 2000;
const PAGE = 40;

let reference: TestDatabase;
let crashed: TestDatabase;
beforeAll(async () => {
  [reference, crashed] = await Promise.all([freshDatabase(), freshDatabase()]);
});
afterAll(async () => {
  await reference?.dispose();
  await crashed?.dispose();
});

async function seeded(fresh: TestDatabase): Promise<Knex> {
  const db = createDb(fresh.target);
  await migrateLatest(db);
  await seedRegions(db);
  await new SandboxCloud(db).seed(CONTRACTS);
  return db;
}

describe(`zcd sync killed with SIGKILL on ${testDatabaseKind}`, () => {
  it('resumes where it stopped and ends with exactly the tables of one uninterrupted run', async () => {
    const a = await seeded(reference);
    await createSyncService(a, { cloud: new SandboxCloud(a), pageSize: PAGE }).runOnce();
    const expected = await syncedDigest(a);
    await a.destroy();
    expect(expected.counts.contracts).toBeGreaterThan(CONTRACTS * 0.85);

    const watcher = await seeded(crashed);
    const total = expected.counts.events!;
    const env = { DATABASE_URL: crashed.url, LOG_LEVEL: 'silent' };
    const cursors: number[] = [];
    try {
      // Two kills at random points of the feed (10–45% and 55–90%), each a random few ms after a commit was seen,
      // so that one usually lands inside a page's transaction.
      for (const [lo, hi] of [
        [0.1, 0.45],
        [0.55, 0.9],
      ] as const) {
        const threshold = Math.floor(total * (lo + Math.random() * (hi - lo)));
        const child = spawnZcd(['sync', '--page-size', String(PAGE)], env);
        const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
        await waitForLine(child, /sync started/, 30_000);
        const deadline = Date.now() + 30_000;
        while (Number((await new KnexSyncStore(watcher).cursor(FEED_SOURCE)) ?? 0) < threshold && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        cursors.push(Number((await new KnexSyncStore(watcher).cursor(FEED_SOURCE)) ?? 0));
      }
    } finally {
      await watcher.destroy();
    }
    // The kills did land before the end (otherwise this test would prove nothing).
    expect(cursors[0]!).toBeGreaterThan(0);
    expect(cursors[1]!).toBeLessThan(total);

    const rest = await runZcd(['sync', '--page-size', String(PAGE)], env);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(/synced: \d+ applied, 0 already applied, 0 quarantined/);

    const b = createDb(crashed.target);
    try {
      const actual = await syncedDigest(b);
      expect(actual.counts).toEqual(expected.counts);
      expect(actual.digest).toBe(expected.digest);
    } finally {
      await b.destroy();
    }
  }, 90_000);
});
