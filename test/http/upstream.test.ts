import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeToWire } from '../../adapters/http/wire.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { FakeCloud } from '../helpers/cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CompactSign } from 'jose';

let gw: TestGateway;
let sandbox: SandboxCloud;
beforeAll(async () => {
  gw = await startTestGateway();
  sandbox = gw.cloud as SandboxCloud;
});
afterAll(async () => {
  await gw?.close();
});

const PATH = '/api/v1/upstream/notifications';
const timeline = generateContract(11).changes;

describe('POST /api/v1/upstream/notifications', () => {
  it('applies changes signed by the cloud, once per change id', async () => {
    const jws = await sandbox.signNotification(timeline.slice(0, 3));
    const first = await gw.client.post(PATH, { jws });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ applied: 3, skipped: 0, quarantined: 0 });
    expect(await gw.db('contracts').where({ contract_no: timeline[0]!.type === 'contract.created' ? timeline[0]!.contract.contractNo : '' }).first()).toBeDefined();

    const again = await gw.client.post(PATH, { jws: await sandbox.signNotification(timeline.slice(0, 4)) });
    expect(again.body).toEqual({ applied: 1, skipped: 3, quarantined: 0 });
    const events = (await gw.db('events').whereIn('id', timeline.slice(0, 4).map((c) => c.changeId)).pluck('id')) as string[];
    expect(events.sort()).toEqual(timeline.slice(0, 4).map((c) => c.changeId).sort());
  });

  it('quarantines a malformed record of a signed notification and applies the others', async () => {
    const key = JSON.parse((await gw.db('sandbox_state').where({ key: 'signing_key' }).first()).value as string);
    const { importJWK } = await import('jose');
    const good = changeToWire(generateContract(12).changes[0]!);
    const bad = { ...changeToWire(generateContract(13).changes[0]!), eventTime: 'yesterday' };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ iss: (await sandbox.keys()).issuer, iat: Math.floor(Date.now() / 1000), records: [bad, good] })))
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'zcd-cloud-notification+jws' })
      .sign(await importJWK(key, 'ES256'));
    const res = await gw.client.post(PATH, { jws });
    expect(res.body).toEqual({ applied: 1, skipped: 0, quarantined: 1 });
    const q = await gw.db('quarantined_records').where({ change_id: bad.id }).first();
    expect(q).toMatchObject({ source: 'cloud_notification' });
    expect(q.reason).toMatch(/eventTime/);
  });

  it('answers 401 problem+json to a notification not signed by the cloud, and changes nothing', async () => {
    const jws = await sandbox.signNotification([generateContract(14).changes[0]!]);
    const [h, p, s] = jws.split('.');
    const forged = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const before = await gw.db('events').count({ n: '*' }).first();
    const res = await gw.client.post(PATH, { jws: forged });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('invalid_notification_signature');
    expect(await gw.db('events').count({ n: '*' }).first()).toEqual(before);

    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await gw.client.post(PATH, { jws: none + 'x' })).status).toBe(401);
  });

  it('refuses bodies that are not one compact JWS, or too large', async () => {
    expect((await gw.client.post(PATH, { jws: 'not-a-jws' })).body.code).toBe('validation_failed');
    expect((await gw.client.post(PATH, { jws: 'a.b.c', extra: 1 })).status).toBe(400);
    const big = await gw.client.post(PATH, { jws: `${'a'.repeat(70_000)}.b.c` });
    expect(big.status).toBe(400);
    expect(big.body.errors[0].pointer).toBe('/jws');
  });
});

describe('GET /metrics', () => {
  it('reports the circuit state and synced changes in the Prometheus text format', async () => {
    const res = await gw.client.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^zcd_upstream_circuit_state 0$/m);
    expect(res.text).toMatch(/^zcd_sync_changes_total\{source="cloud_notification",outcome="applied"\} [1-9]/m);
  });
});

describe('readiness with a failing cloud', () => {
  it('stays ready but degraded while the circuit is open, and says so', async () => {
    const fake = new FakeCloud();
    const other = await startTestGateway({ cloud: () => fake });
    try {
      expect((await other.client.get('/readyz')).status).toBe(200);
      fake.circuit = 'open';
      const res = await other.client.get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.upstream).toEqual({ ok: false, detail: 'circuit open: the cloud is failing' });
      expect((await other.client.get('/metrics')).text).toMatch(/^zcd_upstream_circuit_state 2$/m);
    } finally {
      await other.close();
    }
  });
});
