import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { GatewayKeys } from '../../src/features/auth/gateway-keys.js';
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
