import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from 'jose';
import { CircuitBreaker } from '../../adapters/http/circuit-breaker.js';
import { CLOUD_KEYS_COOLDOWN_MS } from '../../adapters/http/cloud-key-cache.js';
import { HttpProcurementCloud } from '../../adapters/http/http-cloud.js';
import { changeToWire } from '../../adapters/http/wire.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { callAs, seedBureau } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { FakeCloudServer } from '../helpers/fake-cloud-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The whole gateway on the HTTP adapter, against a real cloud on loopback that rotates keys and fails on demand.

let server: FakeCloudServer;
let gw: TestGateway;
let now = Date.now();
let breaker: CircuitBreaker;
beforeAll(async () => {
  server = await FakeCloudServer.start();
  breaker = new CircuitBreaker({ threshold: 1, resetMs: 60_000 });
  gw = await startTestGateway({
    cloud: () =>
      new HttpProcurementCloud({ baseUrl: server.baseUrl, credential: server.credential, timeoutMs: 1_000, retries: 0, breaker, now: () => now }),
  });
});
afterAll(async () => {
  await gw?.close();
  await server?.close();
});

const PATH = '/api/v1/upstream/notifications';
const uscc = withUsccCheck('91150100MA0N0RT10');
let n = 0;
const nextRecord = () => changeToWire(generateContract(500 + n++).changes[0]!);
const supplierContracts = async (token: string) => gw.client.get('/api/v1/supplier/contracts', { headers: { authorization: `Bearer ${token}` } });
const stranger = async (i: number) => ({ kid: `not-the-cloud-${i}`, privateKey: (await generateKeyPair('ES256')).privateKey });

describe(`the cloud rotates its signing key (${testDatabaseKind})`, () => {
  it('accepts notifications and supplier tokens signed with the new key at once', async () => {
    expect((await gw.client.post(PATH, { jws: await server.signNotification([nextRecord()]) })).status).toBe(200);
    expect((await supplierContracts(await server.supplierToken({ uscc, name: '某某科技有限公司', audience: gw.issuer }))).status).toBe(200);
    const fetched = server.count('getJwks');

    await server.rotateKey();
    const pushed = await gw.client.post(PATH, { jws: await server.signNotification([nextRecord()]) });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body.applied).toBe(1);
    const sme = await supplierContracts(await server.supplierToken({ uscc, name: '某某科技有限公司', audience: gw.issuer }));
    expect(sme.status, sme.text).toBe(200);
    // One fetch served both paths: the adapter holds one cache of the cloud's keys.
    expect(server.count('getJwks')).toBe(fetched + 1);
  });

  it('answers a flood of unknown kids on both paths with 401, fetching the keys at most once per cooldown', async () => {
    now += CLOUD_KEYS_COOLDOWN_MS;
    const fetched = server.count('getJwks');
    for (let i = 0; i < 15; i++) {
      const key = await stranger(i);
      const pushed = await gw.client.post(PATH, { jws: await server.signNotification([nextRecord()], { key }) });
      expect(pushed.status).toBe(401);
      expect(pushed.body.code).toBe('invalid_notification_signature');
      const sme = await supplierContracts(await server.supplierToken({ uscc, name: '某某科技有限公司', audience: gw.issuer, key }));
      expect(sme.status).toBe(401);
    }
    expect(server.count('getJwks')).toBe(fetched + 1);
    now += CLOUD_KEYS_COOLDOWN_MS;
    expect((await supplierContracts(await server.supplierToken({ uscc, name: 'x', audience: gw.issuer, key: await stranger(99) }))).status).toBe(401);
    expect(server.count('getJwks')).toBe(fetched + 2);
  });
});

describe(`readiness while the cloud fails (${testDatabaseKind})`, () => {
  it('stays 200, degraded, naming the upstream, while the breaker is open; the gateway keeps serving from its database', async () => {
    expect((await gw.client.get('/readyz')).body).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, upstream: { ok: true } } });
    server.fail('listChanges', { kind: 'status', status: 502 });
    await expect(gw.sync.runOnce()).rejects.toThrow();
    expect(breaker.state).toBe('open');

    const ready = await gw.client.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(ready.body).toEqual({
      status: 'degraded',
      checks: { database: { ok: true }, migrations: { ok: true }, upstream: { ok: false, detail: 'circuit open: the cloud is failing' } },
    });
    expect((await gw.client.get('/api/v1/regions?parent=150000')).status).toBe(200);
    expect((await gw.client.get('/metrics')).text).toMatch(/^zcd_upstream_circuit_state 2$/m);
    server.heal();
  });

  it('is 503 not_ready when the database is down, whatever the cloud does', async () => {
    const own = await startTestGateway({ cloud: () => new HttpProcurementCloud({ baseUrl: server.baseUrl, credential: server.credential, timeoutMs: 1_000, breaker }) });
    try {
      await own.db.destroy();
      const res = await own.client.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('not_ready');
      expect(res.body.checks.database).toEqual({ ok: false, detail: 'unavailable' });
      expect(res.body.checks.upstream.ok).toBe(false);
    } finally {
      await own.close();
    }
  });
});

describe(`a pushed record the gateway cannot apply (${testDatabaseKind})`, () => {
  it('is quarantined as the cloud sent it, and a bureau reads it so', async () => {
    const orphan = { id: 'push-orphan-1', eventTime: '2026-07-05T09:30:00+08:00', kind: 'ACCEPTANCE', data: { acceptanceCode: 'YS-1', contractCode: 'NMZC-NOPE-9', acceptTime: '2026-07-05T09:30:00+08:00', conclusion: 'QUALIFIED', inspector: '张三' } };
    const res = await gw.client.post(PATH, { jws: await server.signNotification([orphan]) });
    expect(res.body).toEqual({ applied: 0, skipped: 0, quarantined: 1 });
    const bureau = await seedBureau(gw, '150000');
    const listed = await callAs(gw, bureau, 'GET', '/api/v1/admin/quarantined-records');
    const item = (listed.body.items as { change_id: string; raw_payload: string; source: string }[]).find((i) => i.change_id === 'push-orphan-1')!;
    expect(item.source).toBe('cloud_notification');
    expect(item.raw_payload).toBe(JSON.stringify(orphan));
  });
});

describe(`a notification that cannot be checked because the cloud's keys cannot be had (${testDatabaseKind})`, () => {
  it('answers 503 upstream_unavailable with Retry-After, applies nothing, and takes the push again once the cloud is back', async () => {
    let clock = Date.now();
    const own = await startTestGateway({
      cloud: () =>
        new HttpProcurementCloud({ baseUrl: server.baseUrl, credential: server.credential, timeoutMs: 1_000, retries: 0, breaker: new CircuitBreaker({ threshold: 100 }), now: () => clock }),
    });
    try {
      // The gateway knows the current key; the cloud then signs with a new one while its JWKS answers 503.
      expect((await own.client.post(PATH, { jws: await server.signNotification([nextRecord()]) })).status).toBe(200);
      await server.rotateKey();
      server.fail('getJwks', { kind: 'status', status: 503 });
      const before = await own.db('contracts').count({ n: '*' });
      const jws = await server.signNotification([nextRecord()]);
      const res = await own.client.post(PATH, { jws });
      expect(res.status, res.text).toBe(503);
      expect(res.body.code).toBe('upstream_unavailable');
      expect(typeof res.body.log_id).toBe('string');
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await own.db('contracts').count({ n: '*' })).toEqual(before);

      server.heal();
      clock += CLOUD_KEYS_COOLDOWN_MS;
      const again = await own.client.post(PATH, { jws });
      expect(again.status, again.text).toBe(200);
      expect(again.body.applied).toBe(1);
    } finally {
      server.heal();
      await own.close();
    }
  });
});
