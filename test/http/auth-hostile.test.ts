import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  TestClock,
  callAs,
  clientAssertion,
  dpopHeaders,
  dpopProof,
  getToken,
  makeKey,
  onboard,
  postToken,
  seedBureau,
  tokenForm,
  type TestParty,
} from '../helpers/auth.js';

const clock = new TestClock();
let gw: TestGateway;
let bureau: TestParty;
let bank: TestParty;
let other: TestParty;
beforeAll(async () => {
  gw = await startTestGateway({ clock: clock.now });
  bureau = await seedBureau(gw, '150000');
  bank = await onboard(gw, bureau, { now: clock.epoch });
  other = await onboard(gw, bureau, { now: clock.epoch });
});
afterAll(async () => {
  await gw?.close();
});

const flip = (jws: string) => {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s!, 'base64url');
  sig[5] = sig[5]! ^ 0x01;
  return `${h}.${p}.${sig.toString('base64url')}`;
};
const tokenUrl = () => `${gw.issuer}/oauth2/token`;
const proofHeader = async (party: TestParty = bank) => ({ DPoP: await dpopProof(party.dpopKey, 'POST', tokenUrl(), { now: clock.epoch }) });
const assertion = (o: Parameters<typeof clientAssertion>[2] = {}) => clientAssertion(gw, bank, { now: clock.epoch, ...o });

describe('the token endpoint refuses hostile client assertions', () => {
  const cases: [string, () => Promise<string>][] = [
    ['alg none', async () => new UnsecuredJWT({ iss: bank.clientId, sub: bank.clientId, aud: gw.issuer, iat: clock.epoch, exp: clock.epoch + 60, jti: randomUUID() }).encode()],
    ['HS256 signed with the public key', () => assertion({ header: { alg: 'HS256' }, key: new TextEncoder().encode(JSON.stringify(bank.key.publicJwk)) })],
    ['RS256', async () => { const rsa = await makeKey('RS256', bank.key.kid); return assertion({ header: { alg: 'RS256' }, key: rsa.privateKey }); }],
    ['a flipped signature byte', async () => flip(await assertion())],
    ['an unknown kid', () => assertion({ header: { kid: 'no-such-kid' } })],
    ['a foreign kid (another client\'s key)', () => assertion({ header: { kid: other.key.kid }, key: other.key.privateKey })],
    ['an embedded jwk', () => assertion({ header: { jwk: bank.key.publicJwk } })],
    ['a jku', () => assertion({ header: { jku: 'https://attacker.example/jwks' } })],
    ['a missing exp', () => assertion({ claims: { exp: undefined } })],
    ['an expired assertion', () => assertion({ claims: { iat: clock.epoch - 120, exp: clock.epoch - 60 } })],
    ['iat 61 s ahead', () => assertion({ claims: { iat: clock.epoch + 61, exp: clock.epoch + 120 } })],
    ['a wrong aud', () => assertion({ claims: { aud: 'https://other-gateway.example' } })],
    ['iss ≠ sub', () => assertion({ claims: { sub: other.clientId } })],
    ['a missing jti', () => assertion({ claims: { jti: undefined } })],
    ['a lifetime over 5 minutes', () => assertion({ claims: { exp: clock.epoch + 301 } })],
    ['a wrong typ', () => assertion({ header: { typ: 'at+jwt' } })],
    ['garbage base64', async () => 'eyJ!!!.%%%.###'],
    ['an unknown client', () => assertion({ claims: { iss: 'ins_nobody', sub: 'ins_nobody' } })],
  ];
  it.each(cases)('%s → 401 invalid_client', async (_name, make) => {
    const res = await postToken(gw, tokenForm(await make()), await proofHeader());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts an aud array holding the issuer (control)', async () => {
    const res = await postToken(gw, tokenForm(await assertion({ claims: { aud: ['https://x.example', gw.issuer] } })), await proofHeader());
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
  });

  it('spends each jti once: a replay is invalid_client', async () => {
    const a = await assertion();
    expect((await postToken(gw, tokenForm(a), await proofHeader())).status).toBe(200);
    const again = await postToken(gw, tokenForm(a), await proofHeader());
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
  });

  it('lets exactly one of two parallel requests with one jti win', async () => {
    const a = await assertion();
    const results = await Promise.all([postToken(gw, tokenForm(a), await proofHeader()), postToken(gw, tokenForm(a), await proofHeader())]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it.each([
    ['an unsupported grant type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['a scope the client may not hold', { scope: 'admin' }, 'invalid_scope'],
  ])('%s → 400 %s', async (_n, extra, error) => {
    const res = await postToken(gw, tokenForm(await assertion(), extra), await proofHeader());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
  });

  it('gives a DPoP-required institution nothing without a proof, and refuses a bad proof', async () => {
    const none = await postToken(gw, tokenForm(await assertion()));
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('invalid_dpop_proof');
    const wrongUrl = await postToken(gw, tokenForm(await assertion()), { DPoP: await dpopProof(bank.dpopKey, 'POST', `${gw.issuer}/elsewhere`, { now: clock.epoch }) });
    expect(wrongUrl.status).toBe(400);
    expect(wrongUrl.body.error).toBe('invalid_dpop_proof');
  });

  it('refuses a JSON body with invalid_request', async () => {
    const res = await gw.client.post('/oauth2/token', { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('protected routes refuse hostile access tokens', () => {
  const path = '/api/v1/institution';
  const url = () => gw.issuer + path;
  let token: string;
  beforeAll(async () => {
    token = await getToken(gw, bank, { now: clock.epoch });
  });
  const send = (headers: Record<string, string>, p = path) => gw.client.get(p, { headers });
  const withProof = async (o: Parameters<typeof dpopProof>[3] = {}, key = bank.dpopKey, htm = 'GET', htu = url()) =>
    send({ authorization: `DPoP ${token}`, dpop: await dpopProof(key, htm, htu, { accessToken: token, now: clock.epoch, ...o }) });
  const gatewaySigned = async (header: Record<string, unknown>, claims: JWTPayload) => {
    const { kid, key } = await gw.auth.gatewayKeys.signingKey();
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, ...header } as { alg: string }).sign(key);
  };

  it('accepts the genuine request (control)', async () => {
    expect((await withProof()).status).toBe(200);
  });

  it('answers no credentials with 401 and a challenge', async () => {
    const res = await send({});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/DPoP/);
  });

  it('refuses a token in the query string', async () => {
    const res = await send({}, `${path}?access_token=${token}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('refuses a 9 KB Authorization header', async () => {
    const res = await send({ authorization: `Bearer ${'a'.repeat(9 * 1024)}` });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('refuses an Authorization header that is not token68 as invalid_request', async () => {
    const res = await send({ authorization: 'Bearer eyJ%%%.!!!.###' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
  });

  const invalidToken: [string, () => Promise<Record<string, string>>][] = [
    ['garbage base64', async () => ({ authorization: 'Bearer Zm9v.YmFy.YmF6' })],
    ['a flipped signature byte', async () => ({ authorization: `Bearer ${flip(token)}` })],
    ['alg none', async () => ({ authorization: `Bearer ${new UnsecuredJWT({ sub: bank.clientId }).setIssuer(gw.issuer).setAudience(gw.issuer).encode()}` })],
    ['an ID token posing as an access token', async () => ({
      authorization: `Bearer ${await gatewaySigned({ typ: 'JWT' }, { iss: gw.issuer, sub: bank.clientId, aud: bank.clientId, nonce: 'n', iat: clock.epoch, exp: clock.epoch + 600 })}`,
    })],
    ['a wrong typ', async () => ({
      authorization: `Bearer ${await gatewaySigned({ typ: 'JWT' }, { iss: gw.issuer, sub: bank.clientId, aud: gw.issuer, client_id: bank.clientId, scope: 'institution', zcd_kjkt: 'x', zcd_kind: 'institution', jti: 'j', iat: clock.epoch, exp: clock.epoch + 600 })}`,
    })],
    ['a foreign signing key under the gateway kid', async () => {
      const foreign = await makeKey('ES256');
      const { kid } = await gw.auth.gatewayKeys.signingKey();
      const forged = await new SignJWT({ client_id: bank.clientId, scope: 'institution', zcd_kjkt: 'x', zcd_kind: 'institution' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).setIssuer(gw.issuer).setAudience(gw.issuer).setSubject(bank.clientId)
        .setIssuedAt(clock.epoch).setExpirationTime(clock.epoch + 600).setJti('x').sign(foreign.privateKey as CryptoKey);
      return { authorization: `Bearer ${forged}` };
    }],
    ['a DPoP-bound token presented as Bearer', async () => ({ authorization: `Bearer ${token}` })],
  ];
  it.each(invalidToken)('%s → 401 invalid_token', async (_n, headers) => {
    const res = await send(await headers());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  const badProofs: [string, () => Promise<Awaited<ReturnType<typeof send>>>][] = [
    ['no proof', () => send({ authorization: `DPoP ${token}` })],
    ['a wrong typ', () => withProof({ header: { typ: 'JWT' } })],
    ['alg HS256', () => withProof({ header: { alg: 'HS256' }, signWith: new TextEncoder().encode('secret-secret-secret-secret-32b!') as unknown as CryptoKey })],
    ['a private jwk', () => withProof({ header: { jwk: bank.dpopKey.privateJwk } })],
    ['a wrong htm', () => withProof({}, bank.dpopKey, 'POST')],
    ['a wrong htu', () => withProof({}, bank.dpopKey, 'GET', `${gw.issuer}/api/v1/admin/institutions`)],
    ['an iat 2 minutes old', () => withProof({ now: clock.epoch - 120 })],
    ['an iat a minute ahead', () => withProof({ now: clock.epoch + 60 })],
    ['a wrong ath', () => withProof({ claims: { ath: 'A'.repeat(43) } })],
    ['a key other than cnf.jkt', async () => withProof({}, (await makeKey('ES256')))],
  ];
  it.each(badProofs)('DPoP with %s → 401 invalid_dpop_proof', async (_n, call) => {
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_dpop_proof');
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
  });

  it('refuses a reused DPoP proof jti', async () => {
    const proof = await dpopProof(bank.dpopKey, 'GET', url(), { accessToken: token, now: clock.epoch });
    expect((await send({ authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
    const again = await send({ authorization: `DPoP ${token}`, dpop: proof });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_dpop_proof');
  });

  it('refuses a bank token on an admin route and a bureau token on a bank route with 403 insufficient_scope', async () => {
    const asBank = await callAs(gw, bank, 'GET', '/api/v1/admin/institutions', undefined, { now: clock.epoch });
    expect(asBank.status).toBe(403);
    expect(asBank.body.code).toBe('insufficient_scope');
    const asBureau = await callAs(gw, bureau, 'GET', path, undefined, { now: clock.epoch });
    expect(asBureau.status).toBe(403);
    expect(asBureau.body.code).toBe('insufficient_scope');
    expect(asBureau.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('stops a suspended institution at once, also its issued token; reactivation restores it', async () => {
    const t = await getToken(gw, other, { now: clock.epoch });
    const before = await callAs(gw, other, 'GET', path, undefined, { now: clock.epoch, token: t });
    expect(before.status).toBe(200);
    const suspended = await callAs(gw, bureau, 'POST', `/api/v1/admin/institutions/${other.clientId}/status`, { status: 'suspended', reason: 'licence_review' }, { now: clock.epoch });
    expect(suspended.status).toBe(200);
    const after = await callAs(gw, other, 'GET', path, undefined, { now: clock.epoch, token: t });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_token');
    const tokenRes = await postToken(gw, tokenForm(await clientAssertion(gw, other, { now: clock.epoch })), await proofHeader(other));
    expect(tokenRes.status).toBe(401);
    expect(tokenRes.body.error).toBe('invalid_client');
    await callAs(gw, bureau, 'POST', `/api/v1/admin/institutions/${other.clientId}/status`, { status: 'active', reason: 'review_passed' }, { now: clock.epoch });
    expect((await callAs(gw, other, 'GET', path, undefined, { now: clock.epoch, token: t })).status).toBe(200);
  });

  it('refuses an access token once it has expired (10 minutes), though it was accepted a moment before', async () => {
    const t = await getToken(gw, bank, { now: clock.epoch });
    clock.advance(599);
    try {
      expect((await gw.client.get(path, { headers: await dpopHeaders(gw, bank, t, 'GET', path, clock.epoch) })).status).toBe(200);
    } finally {
      clock.advance(-599);
    }
    clock.advance(601);
    try {
      const res = await gw.client.get(path, { headers: await dpopHeaders(gw, bank, t, 'GET', path, clock.epoch) });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toMatch(/expired/);
    } finally {
      clock.advance(-601);
    }
  });
});

describe('the per-client token rate limit', () => {
  it('answers 429 with Retry-After once a client exceeds its limit', async () => {
    const limited = await startTestGateway({ config: { tokenRateLimitPerMinute: 2 } });
    try {
      const b = await seedBureau(limited, '150000');
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await postToken(limited, tokenForm(await clientAssertion(limited, b)));
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(last!.body.error).toBe('rate_limited');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
