import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';
import { createDb } from '../../src/db/knex.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

let fresh: TestDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.dispose();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe(`zcd demo against zcd serve on ${testDatabaseKind}`, () => {
  it('runs the whole story with verified webhooks and exits 0', async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: fresh.url,
      PORT: String(port),
      ISSUER_URL: `http://localhost:${port}`,
      SYNC_INTERVAL_MS: '200',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      AUDIT_SEQUENCE_INTERVAL_MS: '200',
    };
    const server = spawnZcd(['serve'], { ...env, LOG_LEVEL: 'info' });
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    try {
      await waitForLine(server, /zcd-gateway listening/, 30_000);
      // Twice on one database: the second run makes its own contract and bank and reuses the bureau. The second
      // calls the gateway by 127.0.0.1 where its issuer says localhost: DPoP proofs name the URL called.
      const contracts: string[] = [];
      for (let run = 1; run <= 2; run++) {
        const demo = await runZcd(run === 1 ? ['demo'] : ['demo', '--gateway', `http://127.0.0.1:${port}`], env);
        expect(demo.code, `run ${run}: ${demo.stderr}${demo.stdout}`).toBe(0);
        for (const type of ['application.submitted', 'account_lock.confirmed', 'financing.disbursed', 'financing.settled']) expect(demo.stdout).toContain(`bank receives ${type}`);
        expect(demo.stdout).toContain('→ acceptance.recorded');
        expect(demo.stdout).toContain('→ payment.received');
        // The bank is zcd bank-sim over HTTP: it read, approved, disbursed, was repaid and settled.
        for (const action of ['read', 'approved', 'disbursed', 'repaid', 'settled']) expect(demo.stdout).toMatch(new RegExp(`bank-sim {2}\\w{8} {2}${action} `));
        expect(demo.stdout).not.toMatch(/bank-sim {2}\w{8} {2}failed/);
        expect(demo.stdout).toMatch(/done in [\d.]+ s: \d+ verified webhooks .*; 0 refused/);
        contracts.push(/fresh contract; the gateway syncs it — (\S+),/.exec(demo.stdout)![1]!);
      }
      expect(new Set(contracts).size).toBe(2);
      // The catalogue lists no demo bank: each run's bank is suspended when it ends.
      const catalogue = (await (await fetch(`http://localhost:${port}/api/v1/public/institutions`)).json()) as { items?: { name: string }[] };
      expect(JSON.stringify(catalogue)).not.toContain('内蒙古演示银行呼和浩特分行');
      // The sequencer in zcd serve gives the banks' reads and the bureau's actions leaves and
      // publishes a signed head over them, which zcd audit verify recomputes from the entries.
      const db = createDb(fresh.target);
      const counted = await Promise.all(['data_access_log', 'admin_audit'].map(async (t) => Number(((await db(t).count('* as n').first()) as { n: number | string }).n)));
      await db.destroy();
      const total = counted[0]! + counted[1]!;
      expect(counted[0]).toBeGreaterThanOrEqual(2);
      let head: { tree_size?: number } = {};
      for (let i = 0; i < 100 && !((head.tree_size ?? 0) >= total); i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`http://localhost:${port}/api/v1/public/audit/tree-head`);
        if (res.status === 200) head = (await res.json()) as { tree_size: number };
      }
      expect(head.tree_size).toBeGreaterThanOrEqual(total);
      const verify = await runZcd(['audit', 'verify'], env);
      expect(verify.code, verify.stderr).toBe(0);
      const verdict = JSON.parse(verify.stdout) as { ok: boolean; leaves: number };
      expect(verdict.ok).toBe(true);
      expect(verdict.leaves).toBeGreaterThanOrEqual(total);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 150_000);

  it('says in one line how to start a gateway that refuses the demo\'s loopback webhook', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: fresh.url, PORT: String(port), ISSUER_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn' };
    const server = spawnZcd(['serve'], { ...env, LOG_LEVEL: 'info' });
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    try {
      await waitForLine(server, /zcd-gateway listening/, 30_000);
      const demo = await runZcd(['demo'], env);
      expect(demo.code).toBe(1);
      const said = demo.stderr.trim().split('\n');
      expect(said.at(-1)).toMatch(/^zcd demo failed: the gateway refused the demo's webhook URL http:\/\/127\.0\.0\.1:\d+\/webhooks: start it with WEBHOOK_ALLOW_PRIVATE=true/);
      expect(demo.stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
