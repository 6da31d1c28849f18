import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { CircuitBreaker } from '../../adapters/http/circuit-breaker.js';
import { HttpProcurementCloud } from '../../adapters/http/http-cloud.js';
import { changeToWire, contractToWire } from '../../adapters/http/wire.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import {
  CloudCircuitOpenError,
  CloudProtocolError,
  CloudSignatureError,
  CloudUnavailableError,
  type Change,
} from '../../adapters/procurement-cloud.js';
import { NOTIFICATION_TYP } from '../../adapters/cloud-signature.js';
import { createSyncService } from '../../src/features/sync/sync-module.js';
import { migratedDatabase } from '../helpers/db.js';

const BASE = 'http://cloud.test';
const CREDENTIAL = 'gateway-credential-0123456789';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => nock.cleanAll());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every interceptor was used').toEqual([]);
});

function cloud(opts: Partial<ConstructorParameters<typeof HttpProcurementCloud>[0]> = {}) {
  const sleeps: number[] = [];
  const c = new HttpProcurementCloud({
    baseUrl: BASE,
    credential: CREDENTIAL,
    timeoutMs: 200,
    retries: 2,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...opts,
  });
  return { c, sleeps };
}

const changes = generateContract(5).changes;
const records = changes.map(changeToWire);
const api = () => nock(BASE).matchHeader('authorization', `Bearer ${CREDENTIAL}`);

describe('the changes feed over HTTP', () => {
  it('reads pages in the vendor shape into domain changes, following the cursor', async () => {
    api().get('/v1/changes').query({ limit: 2 }).reply(200, { records: records.slice(0, 2), next_cursor: '2', has_more: true, remaining: records.length - 2 });
    api().get('/v1/changes').query({ cursor: '2', limit: 2 }).reply(200, { records: records.slice(2, 4), next_cursor: '4', has_more: false });
    const { c } = cloud();
    const first = await c.listChanges(undefined, 2);
    expect(first).toMatchObject({ nextCursor: '2', hasMore: true, remaining: records.length - 2 });
    expect(first.entries[0]).toEqual({ ok: true, change: JSON.parse(JSON.stringify(changes[0])), raw: records[0] });
    const second = await c.listChanges(first.nextCursor, 2);
    expect(second.entries.map((e) => e.ok && e.change.changeId)).toEqual(changes.slice(2, 4).map((x) => x.changeId));
    expect(second.hasMore).toBe(false);
  });

  it('retries a 5xx on a read with jittered backoff, then succeeds', async () => {
    api().get('/v1/changes').query(true).reply(503, 'busy');
    api().get('/v1/changes').query(true).reply(502);
    api().get('/v1/changes').query(true).reply(200, { records: [], next_cursor: '0', has_more: false });
    const { c, sleeps } = cloud();
    expect((await c.listChanges(undefined, 10)).entries).toEqual([]);
    expect(sleeps).toEqual([200, 400]);
  });

  it('gives up after the retries with its own error carrying the cause', async () => {
    api().get('/v1/changes').query(true).times(3).reply(500);
    const err = await cloud().c.listChanges(undefined, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnavailableError);
    expect((err as CloudUnavailableError).code).toBe('upstream_error');
    expect((err as Error).cause).toBeDefined();
  });

  it('times out every call and retries reads that time out', async () => {
    api().get('/v1/changes').query(true).times(3).delay(1_000).reply(200, { records: [], next_cursor: '0', has_more: false });
    const err = await cloud({ timeoutMs: 50 }).c.listChanges(undefined, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnavailableError);
    expect((err as CloudUnavailableError).code).toBe('timeout');
  });

  it('passes a malformed record in the middle of a page on as a quarantine entry, and the rest as changes', async () => {
    const bad = { ...records[1]!, data: { ...(records[1]!.data as object), contractCode: '' } };
    api().get('/v1/changes').query(true).reply(200, { records: [records[0], bad, records[2]], next_cursor: '3', has_more: false });
    const { c } = cloud();
    const page = await c.listChanges(undefined, 10);
    expect(page.entries.map((e) => e.ok)).toEqual([true, false, true]);
    expect(page.entries[1]).toMatchObject({ ok: false, changeId: records[1]!.id, reason: expect.stringMatching(/contractCode/), raw: bad });

    // And the sync applies the rest of the page, the bad record quarantined.
    const { db, dispose } = await migratedDatabase();
    try {
      api().get('/v1/changes').query(true).reply(200, { records: [records[0], bad, records[2]], next_cursor: '3', has_more: false });
      const r = await createSyncService(db, { cloud: c, pageSize: 10 }).runOnce();
      expect(r).toMatchObject({ applied: 2, quarantined: 1 });
      expect(await db('quarantined_records').pluck('change_id')).toEqual([records[1]!.id]);
    } finally {
      await dispose();
    }
  });

  it('refuses a cursor that goes backwards', async () => {
    api().get('/v1/changes').query({ cursor: '40', limit: 10 }).reply(200, { records: [], next_cursor: '39', has_more: false });
    const err = await cloud().c.listChanges('40', 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudProtocolError);
    expect((err as CloudProtocolError).code).toBe('cursor_regression');
  });

  it('refuses a page that is not the interface', async () => {
    api().get('/v1/changes').query(true).reply(200, { items: [] });
    expect(await cloud().c.listChanges(undefined, 10).catch((e: unknown) => (e as CloudProtocolError).code)).toBe('malformed_response');
  });
});

describe('contracts and collection-account changes over HTTP', () => {
  const contract = generateContract(9).contract;

  it('reads a contract, and answers undefined for one the cloud does not know', async () => {
    api().get(`/v1/contracts/${contract.contractNo}`).reply(200, contractToWire(contract));
    api().get('/v1/contracts/NO-SUCH').reply(404, { message: 'not found' });
    const { c } = cloud();
    expect(await c.getContract(contract.contractNo)).toEqual(contract);
    expect(await c.getContract('NO-SUCH')).toBeUndefined();
  });

  it('relays an account change once (never retried) and reads a refusal', async () => {
    api()
      .post(`/v1/contracts/${contract.contractNo}/collection-account-changes`, {
        financingRef: 'FIN-9',
        payee: { bankName: '内蒙古银行', accountName: '供应商', accountNo: '6200001' },
      })
      .reply(201, { changeRef: 'ZH-1', contractCode: contract.contractNo, financingRef: 'FIN-9', status: 'REFUSED', refuseReason: 'purchaser_refused' });
    api().get('/v1/collection-account-changes/ZH-1').reply(200, { changeRef: 'ZH-1', contractCode: contract.contractNo, financingRef: 'FIN-9', status: 'REFUSED', refuseReason: 'purchaser_refused' });
    const { c } = cloud();
    const account = { bankName: '内蒙古银行', accountName: '供应商', accountNo: '6200001' };
    expect(await c.requestCollectionAccountChange(contract.contractNo, account, 'FIN-9')).toEqual({
      ref: 'ZH-1',
      contractNo: contract.contractNo,
      financingRef: 'FIN-9',
      status: 'refused',
      reason: 'purchaser_refused',
    });
    expect((await c.getCollectionAccountChange('ZH-1'))?.status).toBe('refused');
  });

  it('does not retry a failed account change request', async () => {
    api().post(`/v1/contracts/${contract.contractNo}/collection-account-changes`).reply(503);
    const { c, sleeps } = cloud();
    const err = await c.requestCollectionAccountChange(contract.contractNo, { bankName: 'b', accountName: 'a', accountNo: '1' }, 'FIN-10').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudUnavailableError);
    expect(sleeps).toEqual([]);
  });
});

describe('the circuit breaker', () => {
  it('opens after repeated failures, stops calling, and closes after a successful trial', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 2, resetMs: 30_000, now: () => now });
    const { c } = cloud({ retries: 0, breaker });
    api().get('/v1/changes').query(true).times(2).reply(500);
    for (let i = 0; i < 2; i++) await expect(c.listChanges(undefined, 1)).rejects.toBeInstanceOf(CloudUnavailableError);
    expect(c.health()).toMatchObject({ ok: false, circuit: 'open' });
    await expect(c.listChanges(undefined, 1)).rejects.toBeInstanceOf(CloudCircuitOpenError);

    now += 30_000;
    expect(c.health().circuit).toBe('half_open');
    api().get('/v1/changes').query(true).reply(200, { records: [], next_cursor: '0', has_more: false });
    await c.listChanges(undefined, 1);
    expect(c.health()).toEqual({ ok: true, circuit: 'closed' });
  });

  it('does not count a 404 as the cloud failing', async () => {
    const breaker = new CircuitBreaker({ threshold: 1 });
    const { c } = cloud({ breaker });
    api().get('/v1/contracts/X').reply(404);
    expect(await c.getContract('X')).toBeUndefined();
    expect(breaker.state).toBe('closed');
  });
});

describe('the cloud keys and pushed notifications', () => {
  it('verifies a notification against the JWKS the cloud serves, and rejects a foreign signature', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    api().get('/.well-known/jwks.json').reply(200, { keys: [jwk] });
    const sign = (key: Parameters<CompactSign['sign']>[0], records: unknown[]) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify({ iss: BASE, iat: Math.floor(Date.now() / 1000), records })))
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: NOTIFICATION_TYP })
        .sign(key);
    const { c } = cloud();
    const change: Change = changes[0]!;
    expect(await c.readNotification(await sign(privateKey, [changeToWire(change)]))).toEqual([{ ok: true, change: JSON.parse(JSON.stringify(change)), raw: changeToWire(change) }]);
    const other = await generateKeyPair('ES256');
    await expect(c.readNotification(await sign(other.privateKey, [changeToWire(change)]))).rejects.toBeInstanceOf(CloudSignatureError);
  });
});
