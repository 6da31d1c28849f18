import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { repoRoot, runZcd, spawnZcd } from '../helpers/cli.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';

const dir = mkdtempSync(join(tmpdir(), 'zcd-cli-errors-'));
const sqlite = { DATABASE_URL: `sqlite:${join(dir, 'zcd.sqlite')}`, LOG_LEVEL: 'warn' };

/** Exit 1 and exactly one line on stderr, starting `zcd:`, with no stack frame. */
function oneLineFailure(r: { code: number | null; stderr: string }, mentions: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^zcd( demo failed)?: /);
  expect(lines[0]).toMatch(mentions);
}

let busy: Server;
let busyPort: number;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

describe('zcd never shows a stack trace', () => {
  it('--version prints the package version', async () => {
    const r = await runZcd(['--version'], sqlite);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('a busy port names PORT', async () => {
    const r = await runZcd(['serve'], { ...sqlite, PORT: String(busyPort), HOST: '127.0.0.1' });
    oneLineFailure(r, new RegExp(`port ${busyPort} .*already in use \\(PORT`));
  }, 60_000);

  it('an unreachable PostgreSQL names DATABASE_URL', async () => {
    const r = await runZcd(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', LOG_LEVEL: 'warn' });
    oneLineFailure(r, /cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere \(DATABASE_URL\)/);
  }, 60_000);

  it.runIf(TEST_DATABASE_URL)('a missing PostgreSQL database says so and how to create it', async () => {
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = '/zcd_no_such_database_19';
    const r = await runZcd(['migrate'], { DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' });
    oneLineFailure(r, /database "zcd_no_such_database_19" does not exist .*\(DATABASE_URL\).*create/);
    expect(r.stderr).not.toContain(url.password || '\u0000');
  }, 60_000);

  it('a bad setting names the variable', async () => {
    const r = await runZcd(['migrate'], { ...sqlite, PORT: 'eighty' });
    oneLineFailure(r, /PORT/);
  });

  it('a negative --days names the flag', async () => {
    const r = await runZcd(['sandbox', 'advance', '--days', '-1'], sqlite);
    oneLineFailure(r, /--days must be a whole number/);
  });

  it('an unknown supplier is one line', async () => {
    const r = await runZcd(['sandbox', 'supplier-token', '--uscc', withUsccCheck('91150100MA0XXXXXX')], sqlite);
    oneLineFailure(r, /no supplier with this USCC/);
  });

  it('an unknown command or option is one line with the help hint', async () => {
    const r = await runZcd(['sandbox', 'advance', '--dayz', '3'], sqlite);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(/unknown option '--dayz'/);
  });

  it('serve prints one plain line with the URLs of /, /docs, /portal and /console', async () => {
    const server = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const child = spawnZcd(['serve'], { ...sqlite, PORT: String(server), ISSUER_URL: `http://localhost:${server}`, SYNC_INTERVAL_MS: '0' });
    let err = '';
    const line = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line: ${err}`)), 45_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /^zcd-gateway .* ready: .*$/m.exec(err);
        if (m) {
          clearTimeout(t);
          resolve(m[0]);
        }
      });
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    for (const path of ['/', '/docs', '/portal', '/console']) expect(line).toContain(`http://localhost:${server}${path}`);
    expect(await exited).toBe(0);
  }, 60_000);
});
