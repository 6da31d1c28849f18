import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TestClock, clientAssertion, dpopProof, onboard, postToken, seedBureau, tokenForm, type TestParty } from '../helpers/auth.js';

const clock = new TestClock();
let gw: TestGateway;
let bank: TestParty;
beforeAll(async () => {
  gw = await startTestGateway({ clock: clock.now });
  bank = await onboard(gw, await seedBureau(gw, '150000'), { now: clock.epoch });
});
afterAll(async () => {
  await gw?.close();
});

/** What RFC 6749 §5.2 asks of every error answer of the token endpoint. */
function expectOAuthError(res: Awaited<ReturnType<typeof postToken>>, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
  expect(res.body.error).toBe(error);
  expect(typeof res.body.error_description).toBe('string');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
}

describe('the token endpoint’s errors, written by the one error middleware', () => {
  it('answers 400 and 401 as RFC 6749 §5.2 JSON, never cached, with no challenge when no Authorization header was sent', async () => {
    const notForm = await gw.client.post('/oauth2/token', { grant_type: 'client_credentials' });
    expectOAuthError(notForm, 400, 'invalid_request');
    const noGrant = await postToken(gw, new URLSearchParams({ client_assertion: 'x' }).toString());
    expectOAuthError(noGrant, 400, 'invalid_request');
    const badAssertion = await postToken(gw, tokenForm('not.a.jws!'));
    expectOAuthError(badAssertion, 401, 'invalid_client');
    expect(badAssertion.headers.get('www-authenticate')).toBeNull();
  });

  it('challenges with the scheme a client tried in the Authorization header when its authentication fails', async () => {
    const basic = await postToken(gw, new URLSearchParams({ grant_type: 'client_credentials' }).toString(), {
      authorization: `Basic ${Buffer.from(`${bank.clientId}:secret`).toString('base64')}`,
    });
    expectOAuthError(basic, 401, 'invalid_client');
    expect(basic.headers.get('www-authenticate')).toBe('Basic realm="zcd-gateway"');
    const odd = await postToken(gw, tokenForm('not.a.jws!'), { authorization: 'B"a d' });
    expectOAuthError(odd, 401, 'invalid_client');
    expect(odd.headers.get('www-authenticate')).toBeNull();
  });

  it('answers 429 with Retry-After in the same form, and a good request still gets its token', async () => {
    const limited = await startTestGateway({ clock: clock.now, config: { tokenRateLimitPerMinute: 3 } });
    try {
      const party = await onboard(limited, await seedBureau(limited, '150000'), { now: clock.epoch });
      const ask = async () =>
        postToken(limited, tokenForm(await clientAssertion(limited, party, { now: clock.epoch })), {
          DPoP: await dpopProof(party.dpopKey, 'POST', `${limited.issuer}/oauth2/token`, { now: clock.epoch }),
        });
      const first = await ask();
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const fourth = await ask();
      expectOAuthError(fourth, 429, 'rate_limited');
      expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
