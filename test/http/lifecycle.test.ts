import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';

let fresh: TestDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.dispose();
});

describe('zcd serve', () => {
  it('migrates an empty database, serves, and on SIGTERM finishes in-flight work and exits 0', async () => {
    const child = spawnZcd(['serve'], { DATABASE_URL: fresh.url, PORT: '0' });
    const [, url] = await waitForLine(child, /"url":"(http:\/\/[^"]+)"/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const regions = await fetch(`${url}/api/v1/regions?parent=150000`);
    expect(((await regions.json()) as { items: unknown[] }).items).toHaveLength(12);

    // An idle keep-alive connection must not hold the shutdown up.
    await fetch(`${url}/readyz`, { keepalive: true });
    const inFlight = fetch(`${url}/api/v1/regions?level=county&page_size=500`);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const res = await inFlight.catch(() => undefined);
    if (res) expect(res.status).toBe(200);
    expect(await exited).toBe(0);
  });

  it('refuses to start on an invalid setting, naming it', async () => {
    const run = await runZcd(['serve'], { DATABASE_URL: fresh.url, PORT: 'http' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PORT/);
  });
});

describe('zcd migrate', () => {
  it('rolls back and applies again', async () => {
    const back = await runZcd(['migrate', '--rollback', '--all'], { DATABASE_URL: fresh.url });
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/rolled back: .*001_regions/);
    const up = await runZcd(['migrate'], { DATABASE_URL: fresh.url });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/applied: 001_regions/);
    expect(up.stdout).toMatch(/regions: 116/);
  });
});
