import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import express from 'express';
import { createAccessGuard } from '../../src/features/auth/authenticate.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, getToken, onboard, seedBureau, type TestParty } from '../helpers/auth.js';

let gw: TestGateway;
let bureau: TestParty;
let bank: TestParty;
beforeAll(async () => {
  gw = await startTestGateway();
  bureau = await seedBureau(gw, '150100');
  bank = await onboard(gw, bureau, { regions: ['150102'] });
});
afterAll(async () => {
  await gw?.close();
});

describe('authorization-server metadata and the gateway JWKS', () => {
  it('publishes RFC 8414 metadata naming the token endpoint, algorithms, DPoP and scopes', async () => {
    const res = await gw.client.get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: gw.issuer,
      token_endpoint: `${gw.issuer}/oauth2/token`,
      jwks_uri: `${gw.issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA'],
      dpop_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA'],
      scopes_supported: ['institution', 'admin'],
    });
  });

  it('issues RFC 9068 tokens verifiable with the published JWKS, carrying scope, region and cnf', async () => {
    const token = await getToken(gw, bureau);
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const jwks = (await gw.client.get('/.well-known/jwks.json')).body;
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: gw.issuer, audience: gw.issuer, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: bureau.clientId, client_id: bureau.clientId, scope: 'admin', zcd_region: '150100' });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect((payload.cnf as { jkt: string }).jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rotates its signing key: old tokens keep working, new ones carry the new kid, old keys stay published', async () => {
    const before = await getToken(gw, bank);
    const kid = await gw.auth.gatewayKeys.rotate();
    const after = await getToken(gw, bank);
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    expect((await gw.client.get('/.well-known/jwks.json')).body.keys).toHaveLength(2);
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution', undefined, { token: before })).status).toBe(200);
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution', undefined, { token: after })).status).toBe(200);
    expect(decodeJwt(after).zcd_kind).toBe('institution');

    // A second rotation retires the first key, which stays published for the lifetime of the tokens it signed
    // (an instance that has not yet reread the keys may still be signing with it): its token still works.
    await gw.auth.gatewayKeys.rotate();
    expect((await gw.client.get('/.well-known/jwks.json')).body.keys).toHaveLength(3);
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution', undefined, { token: before })).status).toBe(200);
    expect((await callAs(gw, bank, 'GET', '/api/v1/institution', undefined, { token: after })).status).toBe(200);
  });
});

describe('the guard on supplier routes', () => {
  const route = async (verifier?: { verify(t: string): Promise<{ uscc: string; name: string }> }) => {
    const guard = createAccessGuard({ ...gw.auth, config: { issuer: gw.issuer }, dpop: undefined as never, ...(verifier ? { supplierVerifier: verifier } : {}) });
    const app = express();
    app.get('/s', async (req, res) => {
      try {
        res.json(await guard({ supplier: true }, req, res));
      } catch (err) {
        const e = err as { status: number; code: string };
        res.status(e.status).json({ code: e.code });
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/s`;
    return { url, close: () => new Promise((r) => server.close(r)) };
  };

  it('maps a verified supplier token to a SupplierPrincipal; no verifier or a refusal is 401', async () => {
    const verifier = { verify: async (t: string) => { if (t !== 'good') throw new Error('no'); return { uscc: '91150100MA0N0AAA0B', name: 'SME' }; } };
    const ok = await route(verifier);
    try {
      expect(await (await fetch(ok.url, { headers: { authorization: 'Bearer good' } })).json()).toEqual({ kind: 'supplier', uscc: '91150100MA0N0AAA0B', name: 'SME' });
      expect((await fetch(ok.url, { headers: { authorization: 'Bearer bad' } })).status).toBe(401);
      expect((await fetch(ok.url)).status).toBe(401);
    } finally {
      await ok.close();
    }
    const none = await route();
    try {
      expect((await fetch(none.url, { headers: { authorization: 'Bearer good' } })).status).toBe(401);
    } finally {
      await none.close();
    }
  });
});
