import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from 'jose';
import { CircuitBreaker } from '../../adapters/http/circuit-breaker.js';
import { CLOUD_KEYS_COOLDOWN_MS } from '../../adapters/http/cloud-key-cache.js';
import { HttpProcurementCloud, type HttpCloudOptions } from '../../adapters/http/http-cloud.js';
import { changeToWire } from '../../adapters/http/wire.js';
import { generateContract } from '../../adapters/sandbox/generator.js';
import { CloudSignatureError, CloudUnavailableError } from '../../adapters/procurement-cloud.js';
import { KnexSyncStore } from '../../src/features/sync/sync-knex-store.js';
import { createSyncService } from '../../src/features/sync/sync-module.js';
import { FEED_SOURCE } from '../../src/features/sync/sync-service.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';
import { FakeCloudServer } from '../helpers/fake-cloud-server.js';

// The HTTP adapter against a real cloud on loopback that misbehaves on demand (test/helpers/fake-cloud-server.ts).

let server: FakeCloudServer;
beforeAll(async () => {
  server = await FakeCloudServer.start();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.heal();
  server.records = [];
});

const timeline = [0, 1, 2, 3].flatMap((i) => generateContract(40 + i).changes).map(changeToWire);

function cloud(opts: Partial<HttpCloudOptions> = {}) {
  return new HttpProcurementCloud({
    baseUrl: server.baseUrl,
    credential: server.credential,
    timeoutMs: 1_000,
    retries: 0,
    sleep: async () => undefined,
    ...opts,
  });
}

const elapsed = async <T>(p: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> => {
  const started = performance.now();
  try {
    const value = await p;
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
};

describe('UPSTREAM_TIMEOUT_MS is a deadline for the whole call', () => {
  it('gives up on a cloud that drips its answer a few bytes every 250 ms, at the deadline', async () => {
    server.records = timeline;
    server.fail('listChanges', { kind: 'drip', everyMs: 250, bytes: 4 });
    const { ms, error } = await elapsed(cloud().listChanges(undefined, 100));
    expect(error).toBeInstanceOf(CloudUnavailableError);
    expect((error as CloudUnavailableError).code).toBe('timeout');
    // The answer would take minutes at this pace; silence never lasts 250 ms.
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2_000);
  });

  it('bounds a drip in every attempt of a retried read, and the next whole answer is used', async () => {
    server.records = timeline;
    server.fail('listChanges', { kind: 'drip', everyMs: 250, bytes: 4 }, 2);
    const { ms, value } = await elapsed(cloud({ timeoutMs: 600, retries: 2 }).listChanges(undefined, 100));
    expect(value?.entries).toHaveLength(timeline.length);
    expect(server.count('listChanges')).toBeGreaterThanOrEqual(3);
    expect(ms).toBeLessThan(3 * 600 + 1_000);
  });

  it('bounds a cloud that never answers, and one that cuts the connection', async () => {
    server.fail('getContract', { kind: 'hang' });
    const hung = await elapsed(cloud({ timeoutMs: 500 }).getContract('NMZC-HT-0000001'));
    expect((hung.error as CloudUnavailableError).code).toBe('timeout');
    expect(hung.ms).toBeLessThan(1_500);
    server.fail('getContract', { kind: 'reset' });
    expect(((await elapsed(cloud().getContract('NMZC-HT-0000001'))).error as CloudUnavailableError).code).toBe('unreachable');
  });

  it('bounds the key fetch too, and keeps the keys it has when the cloud drips them', async () => {
    let now = 0;
    const c = cloud({ timeoutMs: 500, now: () => now });
    expect((await c.keys()).jwks.keys).toHaveLength(1);
    server.fail('getJwks', { kind: 'drip', everyMs: 250, bytes: 2 });
    now += 10 * 60_000;
    const { ms, value } = await elapsed(c.keys());
    expect(ms).toBeLessThan(1_500);
    expect(value?.jwks.keys[0]!.kid).toBe(server.signingKid);
  });

  it(`holds a sync pass no longer than the deadline, applies nothing, and resumes once the cloud behaves (${testDatabaseKind})`, async () => {
    const { db, dispose } = await migratedDatabase();
    try {
      server.records = timeline;
      server.fail('listChanges', { kind: 'drip', everyMs: 250, bytes: 8 });
      const sync = createSyncService(db, { cloud: cloud({ timeoutMs: 800 }), pageSize: 5 });
      const failed = await elapsed(sync.runOnce());
      expect(failed.error).toBeInstanceOf(CloudUnavailableError);
      expect(failed.ms).toBeLessThan(2_000);
      expect(Number((await db('events').count({ n: '*' }).first())!.n)).toBe(0);
      expect(await new KnexSyncStore(db).cursor(FEED_SOURCE)).toBeUndefined();

      server.heal();
      const done = await sync.runOnce();
      expect(done.applied).toBe(timeline.length);
    } finally {
      await dispose();
    }
  });
});

describe('the cloud rotates its signing key', () => {
  const record = changeToWire(generateContract(77).changes[0]!);

  it('verifies a notification signed with a key published a moment ago, fetching the keys once at once', async () => {
    const c = cloud();
    await c.readNotification(await server.signNotification([record]));
    const before = server.count('getJwks');
    await server.rotateKey();
    // Many notifications with the new key arrive together: one fetch serves them all.
    const signed = await Promise.all(Array.from({ length: 10 }, () => server.signNotification([record])));
    const read = await Promise.all(signed.map((jws) => c.readNotification(jws)));
    expect(read.every((entries) => entries[0]!.ok)).toBe(true);
    expect(server.count('getJwks')).toBe(before + 1);
  });

  it('does not let a flood of unknown kids make it fetch the keys more than once per cooldown', async () => {
    let now = 1_000_000;
    const c = cloud({ now: () => now });
    await c.readNotification(await server.signNotification([record]));
    const base = server.count('getJwks');
    const strangers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const { privateKey } = await generateKeyPair('ES256');
        return server.signNotification([record], { key: { kid: `made-up-${i}`, privateKey } });
      }),
    );
    for (const jws of strangers) await expect(c.readNotification(jws)).rejects.toBeInstanceOf(CloudSignatureError);
    expect(server.count('getJwks')).toBe(base + 1);

    // Within the cooldown even a real new key waits; after it, the next unknown kid fetches again at once.
    await server.rotateKey();
    const fresh = await server.signNotification([record]);
    now += CLOUD_KEYS_COOLDOWN_MS / 2;
    await expect(c.readNotification(fresh)).rejects.toBeInstanceOf(CloudSignatureError);
    expect(server.count('getJwks')).toBe(base + 1);
    now += CLOUD_KEYS_COOLDOWN_MS / 2;
    expect((await c.readNotification(fresh))[0]!.ok).toBe(true);
    expect(server.count('getJwks')).toBe(base + 2);
    for (const jws of strangers.slice(0, 5)) await expect(c.readNotification(jws)).rejects.toBeInstanceOf(CloudSignatureError);
    expect(server.count('getJwks')).toBe(base + 2);
  });

  it('keeps verifying with the keys it has while the cloud cannot give new ones', async () => {
    let now = 0;
    const c = cloud({ now: () => now, breaker: new CircuitBreaker({ threshold: 1 }) });
    const jws = await server.signNotification([record]);
    await c.readNotification(jws);
    server.fail('getJwks', { kind: 'status', status: 503 });
    now += 10 * 60_000;
    expect((await c.readNotification(jws))[0]!.ok).toBe(true);
    expect(c.health().circuit).toBe('open');
  });

  it('refuses a notification whose kid names no key, and one that is not a JWS', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await server.signNotification([record], { key: { kid: server.signingKid, privateKey } });
    expect(await cloud().readNotification(foreign).catch((e: CloudSignatureError) => e.code)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await cloud().readNotification('not-a-jws').catch((e: CloudSignatureError) => e.code)).toBe('invalid_jws');
  });
});

describe(`quarantined records keep what the cloud sent (${testDatabaseKind})`, () => {
  it('stores the vendor record as received, not the gateway’s form, for records the gateway cannot apply', async () => {
    const { db, dispose } = await migratedDatabase();
    try {
      const orphanPayment = { id: 'chg-orphan-pay', eventTime: '2026-07-02T08:00:00+08:00', kind: 'PAYMENT', data: { payCode: 'ZF-1', contractCode: 'NMZC-NOPE-1', amountFen: 1200, payTime: '2026-07-02T08:00:00+08:00', bizRemark: '财政直达' } };
      const orphanCompletion = { id: 'chg-orphan-done', eventTime: '2026-07-03T00:00:00Z', kind: 'CONTRACT_COMPLETED', data: { contractCode: 'NMZC-NOPE-2' } };
      const orphanLift = { id: 'chg-orphan-lift', eventTime: '2026-07-04T00:00:00Z', kind: 'RISK_FLAG_LIFTED', data: { flagCode: 'FX-404', creditCode: '91150100MA0N0AAA0B', liftTime: '2026-07-04T00:00:00Z' } };
      const malformed = { id: 'chg-bad', eventTime: 'yesterday', kind: 'PAYMENT', data: {} };
      server.records = [...timeline.slice(0, 3), orphanPayment, orphanCompletion, orphanLift, malformed];
      const sync = createSyncService(db, { cloud: cloud(), pageSize: 100 });
      expect(await sync.runOnce()).toMatchObject({ applied: 3, quarantined: 4 });
      const rows = (await db('quarantined_records').select('change_id', 'raw_payload', 'reason')) as { change_id: string; raw_payload: string; reason: string }[];
      const raw = Object.fromEntries(rows.map((r) => [r.change_id, r.raw_payload]));
      expect(raw['chg-orphan-pay']).toBe(JSON.stringify(orphanPayment));
      expect(raw['chg-orphan-done']).toBe(JSON.stringify(orphanCompletion));
      expect(raw['chg-orphan-lift']).toBe(JSON.stringify(orphanLift));
      expect(raw['chg-bad']).toBe(JSON.stringify(malformed));
      expect(rows.find((r) => r.change_id === 'chg-orphan-pay')!.reason).toMatch(/^unknown_contract/);
    } finally {
      await dispose();
    }
  });
});
