import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, importJWK } from 'jose';
import { changeToWire } from '../../adapters/http/wire.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import type { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, onboard, seedBureau } from '../helpers/auth.js';

let gw: TestGateway;
let region: string;
beforeAll(async () => {
  gw = await startTestGateway();
  const sandbox = gw.cloud as SandboxCloud;
  const { issuer } = await sandbox.keys(); // makes the sandbox's signing key on first use
  const key = JSON.parse((await gw.db('sandbox_state').where({ key: 'signing_key' }).first()).value as string);
  const created = generateContract(21).changes[0]!;
  if (created.type !== 'contract.created') throw new Error('expected a contract.created change');
  region = created.contract.purchaser.regionCode;
  const wire = changeToWire(created) as { data: Record<string, unknown> };
  const bad = { ...wire, data: { ...wire.data, amountFen: -5 } };
  const jws = await new CompactSign(
    new TextEncoder().encode(JSON.stringify({ iss: issuer, iat: Math.floor(Date.now() / 1000), records: [bad] })),
  )
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'zcd-cloud-notification+jws' })
    .sign(await importJWK(key, 'ES256'));
  const res = await gw.client.post('/api/v1/upstream/notifications', { jws });
  expect(res.body.quarantined).toBe(1);
});
afterAll(async () => {
  await gw?.close();
});

describe('listQuarantinedRecords', () => {
  it('shows a bureau the records of its subtree, with reason and raw payload, and nothing of others', async () => {
    const top = await seedBureau(gw, '150000');
    const all = await callAs(gw, top, 'GET', '/api/v1/admin/quarantined-records');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0].reason).toBeTruthy();

    const league = `${region.slice(0, 4)}00`;
    const own = await seedBureau(gw, league);
    expect((await callAs(gw, own, 'GET', '/api/v1/admin/quarantined-records')).body.items).toHaveLength(1);
    const other = await seedBureau(gw, league === '150200' ? '150300' : '150200');
    expect((await callAs(gw, other, 'GET', '/api/v1/admin/quarantined-records')).body.items).toHaveLength(0);
  });

  it('refuses a bank token and an anonymous caller', async () => {
    const bank = await onboard(gw, await seedBureau(gw, '150100'), { regions: ['150100'] });
    expect((await callAs(gw, bank, 'GET', '/api/v1/admin/quarantined-records')).status).toBe(403);
    expect((await gw.client.get('/api/v1/admin/quarantined-records')).status).toBe(401);
  });
});
