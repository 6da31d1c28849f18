import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSupplier } from '../../adapters/sandbox/generator.js';
import { seedBureau } from '../helpers/auth.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { choose, openLoginPage, registerStaff, sameOrigin, signedIn, signIn } from '../helpers/sign-in.js';

let gw: TestGateway;
const supplier = sandboxSupplier(7);
beforeAll(async () => {
  gw = await startTestGateway();
  await seedBureau(gw, '150000', '内蒙古自治区财政厅');
  await registerStaff(gw, '150000', 'czt-150000-admin', 'admin', '乌兰');
});
afterAll(async () => {
  await gw?.close();
});

const sessionCount = async () => Number(((await gw.db('sessions').count({ n: '*' }).first()) as { n: string | number }).n);
const errorCode = (html: string) => /<code id="error-code"[^>]*>([a-z_]+)<\/code>/.exec(html)?.[1];

/** The answer is the sign-in page for `code` with `status`, it created no session and set no session cookie. */
async function refused(answer: { status: number; text: string; headers: Headers }, status: number, code: string, sessionsBefore: number) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  expect(errorCode(answer.text)).toBe(code);
  expect(answer.text).toMatch(/<a [^>]*href="\/">返回首页/);
  expect(answer.headers.getSetCookie().some((c) => c.startsWith('__Host-zcd_session=') && !c.includes('Max-Age=0'))).toBe(false);
  expect(await sessionCount()).toBe(sessionsBefore);
}

describe(`signing in through the sandbox provider on ${testDatabaseKind}`, () => {
  it('signs a supplier in: a new opaque __Host- cookie, stored only hashed, and the person the cloud vouches for', async () => {
    const { client, answer } = await signIn(gw, 'supplier', { uscc: supplier.uscc }, { returnTo: '/portal/contracts?page=2' });
    expect(answer.status, answer.text).toBe(303);
    expect(answer.headers.get('location')).toBe('/portal/contracts?page=2');
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-zcd_session='))!;
    expect(cookie).toMatch(/^__Host-zcd_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=Lax$/);
    expect(answer.headers.getSetCookie()).toContain('__Host-zcd_signin=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    const secret = client.cookie('__Host-zcd_session')!;
    const rows: { id_hash: string }[] = await gw.db('sessions').select('id_hash');
    expect(rows.map((r) => r.id_hash)).toContain(createHash('sha256').update(secret).digest('hex'));
    expect(rows.map((r) => r.id_hash)).not.toContain(secret);

    const session = await client.get('/api/v1/session');
    expect(session.status).toBe(200);
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect(session.body).toMatchObject({ kind: 'supplier', organisation: { name: supplier.name, uscc: supplier.uscc } });
    expect(session.body.role).toBeUndefined();
    expect(Date.parse(session.body.idle_expires_at) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(session.body.expires_at) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
  });

  it('signs staff in as who the registry says, with the bureau, its region and the role', async () => {
    const { client, answer } = await signIn(gw, 'staff', { subject: 'czt-150000-admin' });
    expect(answer.status, answer.text).toBe(303);
    expect(answer.headers.get('location')).toBe('/console');
    const session = await client.get('/api/v1/session');
    expect(session.body).toMatchObject({
      kind: 'staff',
      name: '乌兰',
      role: 'admin',
      organisation: { name: '内蒙古自治区财政厅', region_code: '150000', region_name: '内蒙古自治区' },
    });
  });

  it.each([['https://evil.example/portal'], ['//evil.example'], ['/portalx'], ['/docs'], ['/portal\\@evil.example'], ['javascript:alert(1)']])(
    'sends the person to the default place instead of return_to=%s',
    async (returnTo) => {
      const { answer } = await signIn(gw, 'supplier', { uscc: supplier.uscc }, { returnTo });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/portal');
    },
  );

  it('gives a new session id at every sign-in and ends the one the browser held', async () => {
    const first = await signedIn(gw, 'supplier', { uscc: supplier.uscc });
    const old = first.client.cookie('__Host-zcd_session')!;
    const again = await signIn(gw, 'supplier', { uscc: supplier.uscc }, { client: first.client });
    expect(again.answer.status).toBe(303);
    expect(first.client.cookie('__Host-zcd_session')).not.toBe(old);
    const stale = new CookieClient(gw.issuer);
    stale.setCookie('__Host-zcd_session', old);
    expect((await stale.get('/api/v1/session')).status).toBe(401);
  });

  it('lets one browser switch people: staff, then a supplier, then staff again', async () => {
    const client = new CookieClient(gw.issuer);
    for (const [kind, choice, expected] of [
      ['staff', { subject: 'czt-150000-admin' }, 'staff'],
      ['supplier', { uscc: supplier.uscc }, 'supplier'],
      ['staff', { subject: 'czt-150000-admin' }, 'staff'],
    ] as const) {
      const { answer } = await signIn(gw, kind, choice, { client });
      expect(answer.status, `${kind}: ${answer.text}`).toBe(303);
      expect((await client.get('/api/v1/session')).body.kind).toBe(expected);
    }
  });

  it('answers getSession with 401 problem+json without a live session', async () => {
    const none = await new CookieClient(gw.issuer).get('/api/v1/session');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthenticated');
    const forged = new CookieClient(gw.issuer);
    forged.setCookie('__Host-zcd_session', 'x'.repeat(43));
    expect((await forged.get('/api/v1/session')).status).toBe(401);
  });

  it('runs a sandbox provider whose metadata is what the procurement cloud must publish (api-spec/procurement-cloud.yaml)', async () => {
    const cloudSpec = parse(readFileSync(new URL('../../api-spec/procurement-cloud.yaml', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false, validateSchema: false, validateFormats: false });
    ajv.addSchema(cloudSpec, 'cloud');
    const validate = ajv.getSchema('cloud#/components/schemas/OpenIdConfiguration')!;
    const metadata = (await (await fetch(`${gw.issuer}/sandbox/oidc/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(validate(metadata), ajv.errorsText(validate.errors)).toBe(true);
    expect(metadata.issuer).toBe(`${gw.issuer}/sandbox/oidc`);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt']));
  });

  it('publishes the relying-party JWKS: public ES256 keys only', async () => {
    const jwks = await gw.client.get('/auth/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    for (const key of jwks.body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });
});

describe('signing out', () => {
  it('deletes the session on the server and clears the cookie, with a same-origin Origin and the CSRF token', async () => {
    const { client, csrf } = await signedIn(gw, 'staff', { subject: 'czt-150000-admin' });
    const secret = client.cookie('__Host-zcd_session')!;
    const before = await sessionCount();
    const out = await client.post('/auth/logout', { headers: sameOrigin(gw, csrf) });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()).toContain('__Host-zcd_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    expect(await sessionCount()).toBe(before - 1);
    expect((await client.get('/api/v1/session')).status).toBe(401);
    // The old cookie, replayed, is worth nothing: the session is gone on the server.
    const replay = new CookieClient(gw.issuer);
    replay.setCookie('__Host-zcd_session', secret);
    expect((await replay.get('/api/v1/session')).status).toBe(401);
  });

  it.each([
    ['no CSRF token', (csrf: string) => ({ origin: gw.issuer, _: csrf }), 'csrf_failed'],
    ['a wrong CSRF token', () => ({ origin: gw.issuer, 'x-csrf-token': 'A'.repeat(43) }), 'csrf_failed'],
    ['a cross-site Origin', (csrf: string) => ({ origin: 'https://evil.example', 'x-csrf-token': csrf }), 'origin_mismatch'],
    ['no Origin', (csrf: string) => ({ 'x-csrf-token': csrf }), 'origin_mismatch'],
    ['a look-alike Origin', (csrf: string) => ({ origin: `${gw.issuer}.evil.example`, 'x-csrf-token': csrf }), 'origin_mismatch'],
  ])('refuses a sign-out with %s (403) and keeps the session', async (_label, headers, code) => {
    const { client, csrf } = await signedIn(gw, 'supplier', { uscc: supplier.uscc });
    const { _: _ignored, ...sent } = headers(csrf) as Record<string, string>;
    const out = await client.post('/auth/logout', { headers: sent });
    expect(out.status).toBe(403);
    expect(out.body.code).toBe(code);
    expect((await client.get('/api/v1/session')).status).toBe(200);
  });

  it('answers a sign-out without a session with 401', async () => {
    const out = await new CookieClient(gw.issuer).post('/auth/logout', { headers: { origin: gw.issuer } });
    expect(out.status).toBe(401);
    expect(out.body.code).toBe('unauthenticated');
  });
});

describe('a sign-in that cannot complete ends on a clear page and creates no session', () => {
  it('refuses someone the provider knows but the staff registry does not (403)', async () => {
    const before = await sessionCount();
    const { answer } = await signIn(gw, 'staff', { subject: 'stranger-42' });
    await refused(answer, 403, 'staff_not_registered', before);
    expect(answer.text).toContain('无权在此登录');
  });

  it('refuses a replayed callback: the flow is single-use', async () => {
    const { client, answer, callback } = await signIn(gw, 'supplier', { uscc: supplier.uscc });
    expect(answer.status).toBe(303);
    const before = await sessionCount();
    await refused(await client.get(callback.href), 400, 'sign_in_flow_missing', before);
  });

  it('refuses a replayed authorization code in a new flow of the same browser (the provider refuses it)', async () => {
    const first = await signIn(gw, 'supplier', { uscc: supplier.uscc });
    expect(first.answer.status).toBe(303);
    const usedCode = first.callback.searchParams.get('code')!;
    const client = first.client;
    const second = await choose(client, await openLoginPage(client, 'supplier'), { uscc: supplier.uscc });
    second.searchParams.set('code', usedCode);
    const before = await sessionCount();
    await refused(await client.get(second.href), 400, 'code_rejected', before);
  });

  it('refuses a wrong state, and the flow is spent', async () => {
    const client = new CookieClient(gw.issuer);
    const callback = await choose(client, await openLoginPage(client, 'supplier'), { uscc: supplier.uscc });
    const good = callback.searchParams.get('state')!;
    callback.searchParams.set('state', good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA'));
    const before = await sessionCount();
    await refused(await client.get(callback.href), 400, 'state_mismatch', before);
    callback.searchParams.set('state', good);
    await refused(await client.get(callback.href), 400, 'sign_in_flow_missing', before);
  });

  it('refuses a wrong nonce: the ID token must carry the nonce of this flow', async () => {
    const client = new CookieClient(gw.issuer);
    const start = await client.get('/auth/login?as=supplier');
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    authorize.searchParams.set('nonce', 'a-nonce-of-another-flow');
    const { response: page } = await client.follow(await client.get(authorize.href));
    const callback = await choose(client, page, { uscc: supplier.uscc });
    const before = await sessionCount();
    await refused(await client.get(callback.href), 400, 'nonce_mismatch', before);
  });

  it('refuses a callback in a browser that did not start the flow', async () => {
    const { callback } = await (async () => {
      const client = new CookieClient(gw.issuer);
      return { callback: await choose(client, await openLoginPage(client, 'supplier'), { uscc: supplier.uscc }) };
    })();
    const before = await sessionCount();
    await refused(await new CookieClient(gw.issuer).get(callback.href), 400, 'sign_in_flow_missing', before);
  });

  it('shows the provider’s error answer (the person cancelled)', async () => {
    const client = new CookieClient(gw.issuer);
    const page = await openLoginPage(client, 'staff');
    const uid = /\/interaction\/([^/?#]+)/.exec(page.url)![1]!;
    const aborted = await client.post(`/sandbox/oidc/interaction/${uid}/abort`);
    const { stoppedAt } = await client.follow(aborted, (url) => url.pathname === '/auth/callback');
    expect(stoppedAt!.searchParams.get('error')).toBe('access_denied');
    const before = await sessionCount();
    const answer = await client.get(stoppedAt!.href);
    await refused(answer, 400, 'provider_error', before);
    expect(answer.text).toContain('access_denied');
  });

  it.each([['?as=bank'], [''], ['?as=supplier&return_to=/portal/' + 'x'.repeat(600)], ['?as=supplier&as=staff']])(
    'refuses a malformed start (%s) with 400 and starts nothing',
    async (query) => {
      const answer = await new CookieClient(gw.issuer).get(`/auth/login${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
      expect(answer.headers.getSetCookie()).toEqual([]);
    },
  );
});

describe('a provider that is down', () => {
  it('answers 502 when the provider cannot be reached to start, and sets no flow cookie', async () => {
    const down = await startTestGateway({
      signIn: (issuer) => ({ sandboxProvider: true, supplier: { issuer: `${issuer}/sandbox/oidc`, clientId: 'zcd-gateway' }, staff: { issuer: 'http://127.0.0.1:9/idp', clientId: 'zcd' }, timeoutMs: 1_000, sessionIdleMs: 1_800_000, sessionAbsoluteMs: 43_200_000 }),
    });
    try {
      const answer = await new CookieClient(down.issuer).get('/auth/login?as=staff');
      expect(answer.status).toBe(502);
      expect(errorCode(answer.text)).toBe('provider_unavailable');
      expect(answer.headers.getSetCookie()).toEqual([]);
      expect(Number(((await down.db('signin_flows').count({ n: '*' }).first()) as { n: string | number }).n)).toBe(0);
    } finally {
      await down.close();
    }
  });

  it('answers 502 when the provider goes down between the login page and the code exchange', async () => {
    let tokenEndpointDown = false;
    const flaky = await startTestGateway({
      oidcFetch: (url, init) => {
        if (tokenEndpointDown && String(url instanceof Request ? url.url : url).endsWith('/sandbox/oidc/token')) {
          return Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }));
        }
        return fetch(url, init);
      },
    });
    try {
      const client = new CookieClient(flaky.issuer);
      const callback = await choose(client, await openLoginPage(client, 'supplier'), { uscc: supplier.uscc });
      tokenEndpointDown = true;
      const answer = await client.get(callback.href);
      expect(answer.status).toBe(502);
      expect(errorCode(answer.text)).toBe('provider_unavailable');
      expect(Number(((await flaky.db('sessions').count({ n: '*' }).first()) as { n: string | number }).n)).toBe(0);
    } finally {
      await flaky.close();
    }
  });
});
