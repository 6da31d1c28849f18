import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/knex.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { runZcd } from '../helpers/cli.js';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let fresh: TestDatabase;
let dir: string;
let gw: TestGateway;
let bankId: string;
beforeAll(async () => {
  fresh = await freshDatabase();
  dir = mkdtempSync(join(tmpdir(), 'zcd-token-'));
  const zcd = (args: string[]) => runZcd(args, { DATABASE_URL: fresh.url });
  for (const who of ['bank', 'other', 'bureau']) expect((await zcd(['keys', 'generate', '--alg', 'ES256', '--out', join(dir, who)])).code).toBe(0);
  expect((await zcd(['bureaus', 'create', '--region', '150000', '--name', '内蒙古自治区财政厅', '--jwks', join(dir, 'bureau', 'jwks.json')])).code).toBe(0);
  const onboarded = await zcd(['institutions', 'onboard', '--name', '内蒙古手工银行', '--uscc', withUsccCheck('91150100MA0N0TK10'), '--license-no', 'B0001H215010002', '--regions', '150100', '--jwks', join(dir, 'bank', 'jwks.json')]);
  expect(onboarded.code, onboarded.stderr).toBe(0);
  bankId = (JSON.parse(onboarded.stdout) as { client_id: string }).client_id;
  gw = await startTestGateway({ db: createDb(fresh.target) });
}, 90_000);
afterAll(async () => {
  await gw?.close();
  await fresh?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('zcd token: a bank’s first token by hand', () => {
  it('prints a DPoP-bound token and a curl line that works when pasted into a shell', async () => {
    const r = await runZcd(['token', '--gateway', gw.issuer, '--client-id', bankId, '--key', join(dir, 'bank', 'private.jwk.json'), '--dpop', '--url', `${gw.issuer}/api/v1/institution`], {});
    expect(r.code, r.stderr).toBe(0);
    const [token, curl] = r.stdout.trim().split('\n');
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(curl).toMatch(/^curl /);
    // Asynchronously: the gateway answers from this very process.
    const sh = (line: string) => promisify(execFile)('bash', ['-c', line], { encoding: 'utf8' }).then((o) => o.stdout);
    const out = await sh(curl!);
    expect(JSON.parse(out)).toMatchObject({ client_id: bankId });
    // The proof is for one request: pasted again, the gateway refuses the replay.
    const again = await sh(`${curl!} -o /dev/null -w '%{http_code}'`);
    expect(again).toBe('401');
  }, 60_000);

  it('refuses a key the bank did not register, in one line naming --client-id', async () => {
    const r = await runZcd(['token', '--gateway', gw.issuer, '--client-id', bankId, '--key', join(dir, 'other', 'private.jwk.json')], {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^zcd: the token endpoint refused --client-id ins_\S+: invalid_client/);
  }, 60_000);

  it('names --key when it is not a private JWK, and --gateway when no gateway answers', async () => {
    const pub = await runZcd(['token', '--gateway', gw.issuer, '--client-id', bankId, '--key', join(dir, 'bank', 'jwks.json')], {});
    expect(pub.code).toBe(1);
    expect(pub.stderr).toMatch(/^zcd: --key: not a private JWK/);
    const nowhere = await runZcd(['token', '--gateway', 'http://127.0.0.1:1', '--client-id', bankId, '--key', join(dir, 'bank', 'private.jwk.json')], {});
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^zcd: --gateway: no OAuth metadata at http:\/\/127\.0\.0\.1:1/);
    expect(nowhere.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
