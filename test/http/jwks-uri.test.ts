import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { RemoteJwks, isPrivateAddress, jwksUriProblem } from '../../src/features/auth/remote-jwks.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TestClock, callAs, clientAssertion, dpopProof, makeKey, nextUscc, postToken, seedBureau, tokenForm, type TestKey, type TestParty } from '../helpers/auth.js';

let server: Server;
let base: string;
let published: { keys: JWK[] } = { keys: [] };
let fetches = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${base}/jwks` }).end();
      return;
    }
    if (req.url === '/slow') return; // never answers
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(published));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('an institution whose keys are at a jwks_uri', () => {
  const clock = new TestClock();
  let gw: TestGateway;
  let root: TestParty;
  let bank: TestParty;
  let first: TestKey;
  beforeAll(async () => {
    gw = await startTestGateway({ clock: clock.now, config: { jwksUriCooldownMs: 30_000 } });
    root = await seedBureau(gw, '150000');
    first = await makeKey('ES256');
    published = { keys: [first.publicJwk] };
    const created = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', {
      name: '远程密钥银行', uscc: nextUscc(), license_no: 'B1', type: 'bank', regions: ['150100'], jwks_uri: `${base}/jwks`,
    }, { now: clock.epoch });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ jwks: null, jwks_uri: `${base}/jwks` });
    bank = { clientId: created.body.client_id, key: first, dpopKey: await makeKey('ES256') };
    await callAs(gw, root, 'POST', `/api/v1/admin/institutions/${bank.clientId}/status`, { status: 'active', reason: 'ok' }, { now: clock.epoch });
  });
  afterAll(async () => {
    await gw?.close();
  });
  const requestToken = async (party: TestParty) =>
    postToken(gw, tokenForm(await clientAssertion(gw, party, { now: clock.epoch })), {
      DPoP: await dpopProof(party.dpopKey, 'POST', `${gw.issuer}/oauth2/token`, { now: clock.epoch }),
    });

  it('fetches once, caches, refetches on an unknown kid at most once per cooldown, and drops removed keys', async () => {
    fetches = 0;
    const firstToken = await requestToken(bank);
    expect(firstToken.status).toBe(200);
    const me = () => callAs(gw, bank, 'GET', '/api/v1/institution', undefined, { now: clock.epoch, token: firstToken.body.access_token });
    expect((await me()).status).toBe(200);
    expect((await requestToken(bank)).status).toBe(200);
    expect(fetches).toBe(1);

    // A new key published: the unknown kid makes one refetch.
    const second = await makeKey('EdDSA');
    published = { keys: [first.publicJwk, second.publicJwk] };
    clock.advance(31);
    const rotated = { ...bank, key: second };
    expect((await requestToken(rotated)).status).toBe(200);
    expect(fetches).toBe(2);

    // Within the cooldown another unknown kid does not refetch.
    const third = await makeKey('ES256');
    published = { keys: [second.publicJwk, third.publicJwk] };
    const refused = await requestToken({ ...bank, key: third });
    expect(refused.status).toBe(401);
    expect(fetches).toBe(2);

    // After the cooldown it does; the first key is gone from the registered set, and its tokens stop.
    clock.advance(31);
    expect((await requestToken({ ...bank, key: third })).status).toBe(200);
    expect(fetches).toBe(3);
    const rows: { jkt: string }[] = await gw.db('client_keys').where('client_id', bank.clientId);
    expect(rows).toHaveLength(2);
    expect((await me()).status).toBe(401);
  });

  it('refuses to register a jwks_uri to a private address when the configuration does not allow it', () => {
    expect(jwksUriProblem(`${base}/jwks`, false)).toBe('must be https');
    for (const uri of ['https://127.0.0.1/jwks', 'https://169.254.169.254/latest', 'https://10.1.2.3/k', 'https://[::1]/k', 'https://localhost/k', 'https://192.168.1.1/k']) {
      expect(jwksUriProblem(uri, false), uri).toMatch(/private/);
    }
    expect(jwksUriProblem('https://bank.example/jwks', false)).toBeUndefined();
    expect(jwksUriProblem('https://user:pw@bank.example/jwks', false)).toMatch(/credentials/);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('203.0.113.9')).toBe(false);
  });
});

describe('RemoteJwks', () => {
  const config = { jwksUriAllowPrivate: true, jwksUriTimeoutMs: 300, jwksUriCooldownMs: 1_000, jwksUriCacheMs: 60_000 };

  it('never follows a redirect', async () => {
    await expect(new RemoteJwks(config).keys(`${base}/redirect`)).rejects.toThrow(/could not be fetched/);
  });

  it('gives up after its timeout', async () => {
    const started = Date.now();
    await expect(new RemoteJwks(config).keys(`${base}/slow`)).rejects.toThrow(/could not be fetched/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses a loopback address unless allowed, without connecting', async () => {
    fetches = 0;
    await expect(new RemoteJwks({ ...config, jwksUriAllowPrivate: false }).keys(`${base}/jwks`)).rejects.toThrow(/https|private/);
    expect(fetches).toBe(0);
  });

  it('refuses a document carrying private key material', async () => {
    const k = await makeKey('ES256');
    published = { keys: [k.privateJwk] };
    await expect(new RemoteJwks(config).keys(`${base}/jwks`)).rejects.toThrow(/private key material/);
  });
});
