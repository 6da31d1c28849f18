import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { GATEWAY_KEY_REFRESH_MS, GatewayKeys, RETIRED_KEY_PUBLISHED_MS } from '../../src/features/auth/gateway-keys.js';
import { runZcd } from '../helpers/cli.js';
import { KnexGatewayKeyStore } from '../../src/features/auth/gateway-keys-knex-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeAll(async () => {
  database = await migratedDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

describe(`the gateway's token signatures on ${testDatabaseKind}`, () => {
  it('are ES256 JWS that jose verifies against the published JWKS, before and after a rotation', async () => {
    const keys = new GatewayKeys(new KnexGatewayKeyStore(database.db));
    const payload = { iss: 'https://gw.test', sub: 'c1', aud: 'https://gw.test', iat: 1_800_000_000, exp: 1_800_000_600, jti: 'j1', scope: 'institution' };
    for (let round = 0; round < 2; round++) {
      const token = await keys.sign(payload, 'at+jwt');
      const { kid } = await keys.signingKey();
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
      const verified = await jwtVerify(token, createLocalJWKSet(await keys.jwks()), {
        algorithms: ['ES256'],
        typ: 'at+jwt',
        currentDate: new Date(1_800_000_100_000),
      });
      expect(verified.payload).toEqual(payload);
      const tampered = token.replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ ...payload, scope: 'admin' })).toString('base64url')}.`);
      await expect(jwtVerify(tampered, createLocalJWKSet(await keys.jwks()), { currentDate: new Date(1_800_000_100_000) })).rejects.toThrow();
      await keys.rotate();
    }
  });
});

describe(`gateway keys shared by every instance on ${testDatabaseKind}`, () => {
  it('has instances started at once on an empty database agree on one key', async () => {
    await database.db('gateway_keys').delete();
    const instances = Array.from({ length: 4 }, () => new GatewayKeys(new KnexGatewayKeyStore(database.db)));
    const kids = await Promise.all(instances.map(async (k) => (await k.signingKey()).kid));
    expect(new Set(kids).size).toBe(1);
    expect(Number((await database.db('gateway_keys').count({ n: '*' }))[0]!.n)).toBe(1);
  });

  it('never leaves an instance signing with a deleted key when zcd keys rotate-gateway runs twice, and signs with the new key within 10 s', async () => {
    const running = new GatewayKeys(new KnexGatewayKeyStore(database.db));
    const first = await running.sign({ n: 1 }, 'at+jwt');
    for (let i = 0; i < 2; i++) {
      const cli = await runZcd(['keys', 'rotate-gateway'], { DATABASE_URL: database.fresh.url });
      expect(cli.code, cli.stderr).toBe(0);
    }
    // Before its next reread the instance may still sign with its old key: that key is still published everywhere.
    const stale = await running.sign({ n: 2 }, 'at+jwt');
    const elsewhere = new GatewayKeys(new KnexGatewayKeyStore(database.db));
    const published = createLocalJWKSet(await elsewhere.jwks());
    for (const token of [first, stale]) await expect(jwtVerify(token, published, { typ: 'at+jwt' })).resolves.toBeDefined();
    const active = (await database.db('gateway_keys').where('status', 'active').first('kid')) as { kid: string };
    // Within the refresh interval (5 s, well inside 10 s) the instance signs with the active key.
    await new Promise((r) => setTimeout(r, GATEWAY_KEY_REFRESH_MS + 100));
    expect(decodeProtectedHeader(await running.sign({ n: 3 }, 'at+jwt')).kid).toBe(active.kid);
  }, 30_000);

  it('deletes a retired key only once the tokens it may have signed have expired', async () => {
    await database.db('gateway_keys').delete();
    const store = new KnexGatewayKeyStore(database.db);
    let now = Date.now();
    const keys = new GatewayKeys(store, () => new Date(now));
    for (let i = 0; i < 3; i++) await keys.rotate();
    const retired = (await store.all()).filter((k) => k.status === 'retired');
    expect(retired).toHaveLength(1);
    now += RETIRED_KEY_PUBLISHED_MS - 1_000;
    await keys.rotate();
    const stillThere = new Set((await store.all()).map((k) => k.kid));
    expect(retired.every((k) => stillThere.has(k.kid))).toBe(true);
    now += 2_000;
    await keys.rotate();
    const after = new Set((await store.all()).map((k) => k.kid));
    expect(retired.some((k) => after.has(k.kid))).toBe(false);
    expect(RETIRED_KEY_PUBLISHED_MS).toBeGreaterThanOrEqual(600_000);
  });
});
