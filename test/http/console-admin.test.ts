import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, makeKey, nextUscc, onboard, seedBureau, type TestParty } from '../helpers/auth.js';
import type { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { registerStaff, sameOrigin, signedIn } from '../helpers/sign-in.js';

// updateInstitution and listAdminAudit: the two operations the bureau console adds, with the subtree, role and
// CSRF rules every console write obeys.

let gw: TestGateway;
let root: TestParty;
let hohhot: TestParty;
let baotou: TestParty;
let inHohhot: TestParty;
let inBaotou: TestParty;
let shared: TestParty;
const people: Record<string, { client: CookieClient; csrf: string }> = {};

beforeAll(async () => {
  gw = await startTestGateway();
  root = await seedBureau(gw, '150000', '内蒙古自治区财政厅');
  hohhot = await seedBureau(gw, '150100', '呼和浩特市财政局');
  baotou = await seedBureau(gw, '150200', '包头市财政局');
  inHohhot = await onboard(gw, hohhot, { regions: ['150102'] });
  inBaotou = await onboard(gw, baotou, { regions: ['150202'] });
  shared = await onboard(gw, root, { regions: ['150102', '150202'] });
  for (const role of ['admin', 'reviewer', 'viewer'] as const) await registerStaff(gw, '150100', `c-${role}`, role);
  await registerStaff(gw, '150200', 'b-admin', 'admin');
  for (const subject of ['c-admin', 'c-reviewer', 'c-viewer', 'b-admin']) people[subject] = await signedIn(gw, 'staff', { subject });
}, 90_000);
afterAll(async () => {
  await gw?.close();
});

/** A request as a signed-in member of staff from the console (same origin, CSRF token on writes). */
function asStaff(who: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const p = people[who]!;
  return p.client.request(method, path, { headers: { ...(method === 'GET' ? {} : sameOrigin(gw, p.csrf)), ...headers }, ...(json === undefined ? {} : { json }) });
}

const institution = async (id: string) => (await callAs(gw, root, 'GET', `/api/v1/admin/institutions/${id}`)).body as { regions: string[]; webhook_url: string | null };

describe(`updateInstitution on ${testDatabaseKind}`, () => {
  it('changes coverage regions and webhook URL, leaves out what is not given, and audits the change', async () => {
    const res = await asStaff('c-admin', 'PATCH', `/api/v1/admin/institutions/${inHohhot.clientId}`, {
      regions: ['150105', '150102'],
      webhook_url: 'https://bank.example/hooks',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.regions).toEqual(['150102', '150105']);
    expect(res.body.webhook_url).toBe('https://bank.example/hooks');
    const onlyUrl = await asStaff('c-admin', 'PATCH', `/api/v1/admin/institutions/${inHohhot.clientId}`, { webhook_url: null });
    expect(onlyUrl.status).toBe(200);
    expect(onlyUrl.body).toMatchObject({ regions: ['150102', '150105'], webhook_url: null });
    const log = await asStaff('c-viewer', 'GET', `/api/v1/admin/audit?action=updateInstitution&target=${inHohhot.clientId}`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({ actor: hohhot.clientId, actor_name: '呼和浩特市财政局', action: 'updateInstitution', target: inHohhot.clientId });
    expect(log.body.items[0].before).toMatchObject({ webhookUrl: 'https://bank.example/hooks' });
    expect(log.body.items[0].after).toMatchObject({ webhookUrl: null });
  });

  it('works with the bureau token too', async () => {
    const res = await callAs(gw, hohhot, 'PATCH', `/api/v1/admin/institutions/${inHohhot.clientId}`, { regions: ['150102'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.regions).toEqual(['150102']);
  });

  it('refuses a region outside the subtree (403), an unknown region and bad bodies (400 at the field), changing nothing', async () => {
    const path = `/api/v1/admin/institutions/${inHohhot.clientId}`;
    const before = await institution(inHohhot.clientId);
    const outside = await asStaff('c-admin', 'PATCH', path, { regions: ['150102', '150202'] });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('outside_region');
    const unknown = await asStaff('c-admin', 'PATCH', path, { regions: ['159999'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].pointer).toBe('/regions/0');
    for (const body of [{}, { regions: [] }, { regions: ['150102', '150102'] }, { webhook_url: 'not a url' }, { webhook_url: 'ftp://x.example/' }, { name: 'x' }]) {
      const res = await asStaff('c-admin', 'PATCH', path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect(await institution(inHohhot.clientId)).toEqual(before);
  });

  it('hides another 盟市’s institution (404) and refuses one that also serves regions beyond the subtree (403)', async () => {
    const theirs = await asStaff('c-admin', 'PATCH', `/api/v1/admin/institutions/${inBaotou.clientId}`, { webhook_url: 'https://evil.example/' });
    expect(theirs.status).toBe(404);
    const both = await asStaff('c-admin', 'PATCH', `/api/v1/admin/institutions/${shared.clientId}`, { regions: ['150102'] });
    expect(both.status).toBe(403);
    expect(both.body.code).toBe('outside_region');
    expect((await institution(inBaotou.clientId)).webhook_url).toBeNull();
    expect((await institution(shared.clientId)).regions).toEqual(['150102', '150202']);
  });

  it('is for admins only: a reviewer and a viewer are refused (403)', async () => {
    for (const who of ['c-reviewer', 'c-viewer']) {
      const res = await asStaff(who, 'PATCH', `/api/v1/admin/institutions/${inHohhot.clientId}`, { webhook_url: 'https://x.example/' });
      expect(res.status, who).toBe(403);
    }
    expect((await institution(inHohhot.clientId)).webhook_url).toBeNull();
  });

  it.each([
    ['no CSRF token', { 'x-csrf-token': '' }, 'csrf_failed'],
    ['another session’s CSRF token', { 'x-csrf-token': 'other' }, 'csrf_failed'],
    ['a cross-site Origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
  ])('refuses a session write with %s, changing nothing', async (_label, override, code) => {
    const headers: Record<string, string> = { ...sameOrigin(gw, people['c-admin']!.csrf), ...override };
    if (headers['x-csrf-token'] === 'other') headers['x-csrf-token'] = people['c-viewer']!.csrf;
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const res = await people['c-admin']!.client.request('PATCH', `/api/v1/admin/institutions/${inHohhot.clientId}`, { headers, json: { webhook_url: 'https://x.example/' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(code);
    expect((await institution(inHohhot.clientId)).webhook_url).toBeNull();
  });
});

describe(`listAdminAudit on ${testDatabaseKind}`, () => {
  it('lists the actions of the bureau and those below it, newest first; never another 盟市’s', async () => {
    const mine = await asStaff('c-viewer', 'GET', '/api/v1/admin/audit?page_size=500');
    expect(mine.status).toBe(200);
    const actors = new Set(mine.body.items.map((e: { actor: string }) => e.actor));
    expect([...actors]).toEqual([hohhot.clientId]);
    const targets = mine.body.items.map((e: { target: string }) => e.target);
    expect(targets).toContain(inHohhot.clientId);
    expect(targets).not.toContain(inBaotou.clientId);
    const ids = mine.body.items.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    const theirs = await asStaff('b-admin', 'GET', `/api/v1/admin/audit?target=${inHohhot.clientId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
  });

  it('shows the root bureau everything, the operator’s CLI actions included', async () => {
    const all = await callAs(gw, root, 'GET', '/api/v1/admin/audit?page_size=500');
    expect(all.status).toBe(200);
    const actors = new Set(all.body.items.map((e: { actor: string | null }) => e.actor));
    expect(actors).toEqual(new Set([null, root.clientId, hohhot.clientId, baotou.clientId]));
  });

  it('records a staff member’s own staff changes under their bureau', async () => {
    const created = await asStaff('c-admin', 'POST', '/api/v1/admin/staff', { region_code: '150100', subject: 'c-new', name: '新同事', role: 'viewer' });
    expect(created.status, created.text).toBe(201);
    const log = await asStaff('c-viewer', 'GET', `/api/v1/admin/audit?action=createStaff&target=${created.body.id}`);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0].actor_name).toBe('呼和浩特市财政局');
    expect((await asStaff('b-admin', 'GET', `/api/v1/admin/audit?target=${created.body.id}`)).body.items).toEqual([]);
  });

  it('pages with page_token, and refuses a token it did not make (400)', async () => {
    const first = await callAs(gw, root, 'GET', '/api/v1/admin/audit?page_size=2');
    expect(first.body.items).toHaveLength(2);
    const second = await callAs(gw, root, 'GET', `/api/v1/admin/audit?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).toBeLessThan(first.body.items[1].id);
    const bad = await callAs(gw, root, 'GET', '/api/v1/admin/audit?page_token=eyJhZnRlciI6IngifQ');
    expect(bad.status).toBe(400);
    const tooBig = await callAs(gw, root, 'GET', `/api/v1/admin/audit?action=${'x'.repeat(65)}`);
    expect(tooBig.status).toBe(400);
  });

  it('is refused without a bureau: no credentials (401), an institution’s token (403)', async () => {
    expect((await gw.client.get('/api/v1/admin/audit')).status).toBe(401);
    expect((await callAs(gw, inHohhot, 'GET', '/api/v1/admin/audit')).status).toBe(403);
  });
});

describe(`webhook URLs in production mode on ${testDatabaseKind}`, () => {
  let prod: TestGateway;
  let bureau: TestParty;
  beforeAll(async () => {
    prod = await startTestGateway({ config: { webhookAllowPrivate: false } });
    bureau = await seedBureau(prod, '150000');
  });
  afterAll(async () => {
    await prod?.close();
  });

  it('must be https when onboarding and when changing it (400 at /webhook_url)', async () => {
    const key = await makeKey();
    const body = { name: '测试银行', uscc: nextUscc(), license_no: 'B1', type: 'bank', regions: ['150100'], jwks: { keys: [key.publicJwk] } };
    const plain = await callAs(prod, bureau, 'POST', '/api/v1/admin/institutions', { ...body, webhook_url: 'http://bank.example/hooks' });
    expect(plain.status).toBe(400);
    expect(plain.body.errors[0].pointer).toBe('/webhook_url');
    const created = await callAs(prod, bureau, 'POST', '/api/v1/admin/institutions', { ...body, webhook_url: 'https://bank.example/hooks' });
    expect(created.status, created.text).toBe(201);
    const change = await callAs(prod, bureau, 'PATCH', `/api/v1/admin/institutions/${created.body.client_id}`, { webhook_url: 'http://bank.example/hooks' });
    expect(change.status).toBe(400);
    expect(change.body.errors[0].pointer).toBe('/webhook_url');
  });
});
