import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { createDb } from '../../src/db/knex.js';
import { KnexAdminAuditStore } from '../../src/features/audit/admin-audit-knex-store.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { runZcd } from '../helpers/cli.js';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, makeKey, type TestKey } from '../helpers/auth.js';

let fresh: TestDatabase;
let dir: string;
let gw: TestGateway | undefined;
beforeAll(async () => {
  fresh = await freshDatabase();
  dir = mkdtempSync(join(tmpdir(), 'zcd-cli-'));
});
afterAll(async () => {
  await gw?.close();
  await fresh?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const zcd = (args: string[]) => runZcd(args, { DATABASE_URL: fresh.url });

describe('onboarding a bank from the command line', () => {
  it('generates keys, creates the 150000 bureau, onboards and suspends a bank that then authenticates and stops', async () => {
    const keys = await zcd(['keys', 'generate', '--alg', 'EdDSA', '--out', join(dir, 'bank')]);
    expect(keys.code, keys.stderr).toBe(0);
    const generated = JSON.parse(keys.stdout) as { kid: string; private_jwk: string; jwks: string };
    expect(statSync(generated.private_jwk).mode & 0o077).toBe(0);
    const publicJwks = JSON.parse(readFileSync(generated.jwks, 'utf8')) as { keys: JWK[] };
    expect(publicJwks.keys[0]!.d).toBeUndefined();

    const early = await zcd(['institutions', 'onboard', '--name', 'x', '--uscc', withUsccCheck('91150100MA0N0CL20'), '--license-no', 'L1', '--regions', '150100', '--jwks', generated.jwks]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/bureaus create --region 150000/);

    expect((await zcd(['keys', 'generate', '--alg', 'ES256', '--out', join(dir, 'bureau')])).code).toBe(0);
    const bureau = await zcd(['bureaus', 'create', '--region', '150000', '--name', '内蒙古自治区财政厅', '--jwks', join(dir, 'bureau', 'jwks.json')]);
    expect(bureau.code, bureau.stderr).toBe(0);
    expect(JSON.parse(bureau.stdout).client_id).toMatch(/^bur_/);

    const onboarded = await zcd([
      'institutions', 'onboard', '--name', '内蒙古测试银行', '--uscc', withUsccCheck('91150100MA0N0CL20'), '--license-no', 'B0001H215010001',
      '--regions', '150100,150200', '--jwks', generated.jwks, '--webhook-url', 'https://bank.example/hooks', '--no-dpop',
    ]);
    expect(onboarded.code, onboarded.stderr).toBe(0);
    const institution = JSON.parse(onboarded.stdout) as { client_id: string; status: string; dpop_required: boolean; webhook_secret: string };
    expect(institution).toMatchObject({ status: 'active', dpop_required: false });
    expect(institution.webhook_secret).toMatch(/^whsec_/);

    const badUscc = await zcd(['institutions', 'onboard', '--name', 'y', '--uscc', '91150100MA0N0CL20X', '--license-no', 'L', '--regions', '150100', '--jwks', generated.jwks]);
    expect(badUscc.code).toBe(1);
    expect(badUscc.stderr).toMatch(/validation_failed/);

    gw = await startTestGateway({ db: createDb(fresh.target) });
    const privateJwk = JSON.parse(readFileSync(generated.private_jwk, 'utf8')) as JWK;
    const key: TestKey = { alg: 'EdDSA', kid: generated.kid, privateKey: (await importJWK(privateJwk, 'EdDSA')) as CryptoKey, publicJwk: publicJwks.keys[0]!, privateJwk };
    const bank = { clientId: institution.client_id, key, dpopKey: await makeKey('ES256') };
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution')).status).toBe(200);

    const suspended = await zcd(['institutions', 'set-status', institution.client_id, 'suspended', '--reason', 'licence_review']);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(JSON.parse(suspended.stdout).status).toBe('suspended');
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution').catch((e: Error) => ({ status: e.message }))).status).toMatch(/401/);
    const actions = (await new KnexAdminAuditStore(gw.db).actionsOn(institution.client_id)).map((e) => e.action);
    expect(actions).toEqual(['createInstitution', 'updateInstitutionStatus', 'updateInstitutionStatus']);
  }, 60_000);
});
