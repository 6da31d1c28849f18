import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { startTestGateway } from '../helpers/gateway.js';
import { choose, openLoginPage } from '../helpers/sign-in.js';

let fresh: TestDatabase;
beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.dispose();
});

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const realCloud = { UPSTREAM: 'http', UPSTREAM_URL: 'https://zcy.nmg.example', UPSTREAM_CREDENTIAL: 'a-long-enough-credential' };

/** Serves the fresh database with the sandbox cloud; stops it after `work`. */
async function serving(work: (url: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnZcd(['serve'], { DATABASE_URL: fresh.url, PORT: String(port), ISSUER_URL: url, SYNC_INTERVAL_MS: '0', WEBHOOK_DISPATCH: 'false' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await waitForLine(child, /zcd-gateway listening/, 60_000);
  try {
    await work(url);
  } finally {
    // Its exit status is not this test's business (zcd serve installs its SIGTERM handler just after it
    // logs that it listens, so a very quick test can kill it before that).
    child.kill('SIGTERM');
  }
  await exited;
}

describe(`zcd serve and the sandbox identity provider on ${testDatabaseKind}`, () => {
  it('creates the demo bureaus and their staff on the first start, and a member of staff signs in at the served provider', async () => {
    await serving(async (url) => {
      const db = createDb(fresh.target);
      try {
        const staff: { subject: string; role: string; region_code: string }[] = await db('staff as s')
          .join('bureaus as b', 'b.client_id', 's.bureau_id')
          .select('s.subject', 's.role', 'b.region_code')
          .orderBy('s.subject');
        expect(staff.map((m) => `${m.region_code} ${m.role} ${m.subject}`)).toEqual([
          '150000 admin czt-150000-admin',
          '150000 reviewer czt-150000-reviewer',
          '150000 viewer czt-150000-viewer',
          '150100 admin czt-150100-admin',
          '150100 reviewer czt-150100-reviewer',
          '150100 viewer czt-150100-viewer',
        ]);
      } finally {
        await db.destroy();
      }
      const client = new CookieClient(url);
      const page = await openLoginPage(client, 'staff', '/console');
      for (const name of ['内蒙古自治区财政厅', '呼和浩特市财政局', '乌兰 · 管理员', '陈静 · 只读']) expect(page.text).toContain(name);
      const answer = await client.get((await choose(client, page, { subject: 'czt-150100-reviewer' })).href);
      expect(answer.status, answer.text).toBe(303);
      const session = await client.get('/api/v1/session');
      expect(session.body).toMatchObject({ kind: 'staff', name: '刘洋', role: 'reviewer', organisation: { region_code: '150100', region_name: '呼和浩特市' } });
      const suppliers = await openLoginPage(new CookieClient(url), 'supplier');
      expect(suppliers.text.match(/name="uscc" value="/g)?.length).toBe(8);
    });
  }, 120_000);

  it('gives no demo bureaus to a database that has bureaus already (a restart adds nothing)', async () => {
    await serving(async () => {
      const db = createDb(fresh.target);
      try {
        expect(Number(((await db('staff').count({ n: '*' }).first()) as { n: string | number }).n)).toBe(6);
        expect(Number(((await db('bureaus').count({ n: '*' }).first()) as { n: string | number }).n)).toBe(2);
      } finally {
        await db.destroy();
      }
    });
  }, 120_000);

  it('refuses to start when told to serve the sandbox provider with the real cloud', async () => {
    const r = await runZcd(['serve'], { DATABASE_URL: fresh.url, ...realCloud, SANDBOX_OIDC: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('zcd: invalid configuration: SANDBOX_OIDC: the sandbox identity provider is never served with UPSTREAM=http');
  }, 30_000);

  it('never mounts the sandbox provider with the real cloud', async () => {
    const gw = await startTestGateway({ signIn: (issuer) => loadConfig({ ...realCloud, ISSUER_URL: issuer }).signIn });
    try {
      const discovery = await gw.client.get('/sandbox/oidc/.well-known/openid-configuration');
      expect(discovery.status).toBe(404);
      expect(discovery.body.code).toBe('route_not_found');
      const start = await new CookieClient(gw.issuer).get('/auth/login?as=staff');
      expect(start.status).toBe(503);
      expect(start.text).toContain('sign_in_not_configured');
    } finally {
      await gw.close();
    }
  });
});
