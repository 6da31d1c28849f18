import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, seedBureau, type TestParty } from '../helpers/auth.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { registerStaff, sameOrigin, signedIn } from '../helpers/sign-in.js';

let w: FinancingWorld;
let city: TestParty;
let contracts: { contractNo: string; uscc: string; unpaid: number }[];
/** Signed-in people: a supplier (contracts[0]'s), and staff of 150000 in each role and of 150100 as admin. */
const people: Record<string, { client: CookieClient; csrf: string }> = {};

beforeAll(async () => {
  w = await financingWorld();
  city = await seedBureau(w.gw, '150100', '呼和浩特市财政局');
  contracts = await w.financeable(3);
  for (const role of ['admin', 'reviewer', 'viewer'] as const) await registerStaff(w.gw, '150000', `r-${role}`, role);
  await registerStaff(w.gw, '150100', 'c-admin', 'admin');
  people.sme = await signedIn(w.gw, 'supplier', { uscc: contracts[0]!.uscc });
  for (const subject of ['r-admin', 'r-reviewer', 'r-viewer', 'c-admin']) people[subject] = await signedIn(w.gw, 'staff', { subject });
}, 90_000);
afterAll(async () => {
  await w?.close();
});

/** A request as a signed-in person from the gateway's own pages (same origin, CSRF token on writes). */
function asPerson(who: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const p = people[who]!;
  return p.client.request(method, path, { headers: { ...(method === 'GET' ? {} : sameOrigin(w.gw, p.csrf)), ...headers }, ...(json === undefined ? {} : { json }) });
}

const applicationCount = async () => Number(((await w.gw.db('applications').count({ n: '*' }).first()) as { n: string | number }).n);
const application = (i: number) => ({ contract_no: contracts[i]!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) });

describe(`a supplier's session on ${testDatabaseKind}: the same operations and authorization as the cloud's token`, () => {
  it('answers the supplier reads exactly as the token does', async () => {
    const token = await w.supplier(contracts[0]!.uscc);
    for (const path of ['/api/v1/supplier/contracts', `/api/v1/supplier/contracts/${contracts[0]!.contractNo}/offers`, '/api/v1/supplier/applications', '/api/v1/supplier/data-access']) {
      const bySession = await asPerson('sme', 'GET', path);
      const byToken = await w.gw.client.get(path, { headers: token });
      expect(bySession.status, path).toBe(200);
      expect(bySession.body, path).toEqual(byToken.body);
    }
  });

  it('cannot read another supplier’s contract, nor touch its application', async () => {
    const theirs = await asPerson('sme', 'GET', `/api/v1/supplier/contracts/${contracts[1]!.contractNo}/offers`);
    const byToken = await w.gw.client.get(`/api/v1/supplier/contracts/${contracts[1]!.contractNo}/offers`, { headers: await w.supplier(contracts[0]!.uscc) });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(byToken.body);
    const created = await w.gw.client.post('/api/v1/supplier/applications', application(1), { headers: await w.supplier(contracts[1]!.uscc) });
    expect(created.status, created.text).toBe(201);
    expect((await asPerson('sme', 'POST', `/api/v1/supplier/applications/${created.body.id}/withdraw`, { reason_code: 'found_other_funding' })).status).toBe(404);
    expect((await asPerson('sme', 'POST', `/api/v1/supplier/applications/${created.body.id}/consent/revoke`)).status).toBe(404);
  });

  it('applies with the session from the gateway’s own page, and a retry with the same Idempotency-Key replays', async () => {
    const key = { 'idempotency-key': 'sess-apply-1' };
    const body = application(0);
    const created = await asPerson('sme', 'POST', '/api/v1/supplier/applications', body, key);
    expect(created.status, created.text).toBe(201);
    const replay = await asPerson('sme', 'POST', '/api/v1/supplier/applications', body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(created.body.id);
  });

  it.each([
    ['a cross-site Origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
    ['no Origin', { origin: '' }, 'origin_mismatch'],
    ['no CSRF token', { 'x-csrf-token': '' }, 'csrf_failed'],
    ['another session’s CSRF token', { 'x-csrf-token': 'from-r-viewer' }, 'csrf_failed'],
  ])('refuses a state-changing request with the session cookie and %s (403), changing nothing', async (_label, override, code) => {
    const headers: Record<string, string> = { ...sameOrigin(w.gw, people.sme!.csrf), ...override };
    if (headers['x-csrf-token'] === 'from-r-viewer') headers['x-csrf-token'] = people['r-viewer']!.csrf;
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const before = await applicationCount();
    const res = await people.sme!.client.request('POST', '/api/v1/supplier/applications', { headers, json: application(2) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(code);
    expect(await applicationCount()).toBe(before);
  });
});

describe('what a session never reaches', () => {
  it.each([['sme'], ['r-admin']])('a bank’s operations: 401 for a %s session, reads and writes alike', async (who) => {
    const read = await asPerson(who, 'GET', '/api/v1/applications');
    expect(read.status).toBe(401);
    expect(read.headers.get('www-authenticate')).toMatch(/DPoP/);
    expect((await asPerson(who, 'GET', '/api/v1/institution')).status).toBe(401);
    expect((await asPerson(who, 'GET', '/api/v1/events')).status).toBe(401);
    expect((await asPerson(who, 'POST', '/api/v1/products', { name: 'x' })).status).toBe(401);
  });

  it('the other kind of person’s operations: 403 wrong_account_kind', async () => {
    const staffOnSupplier = await asPerson('r-admin', 'GET', '/api/v1/supplier/contracts');
    expect(staffOnSupplier.status).toBe(403);
    expect(staffOnSupplier.body.code).toBe('wrong_account_kind');
    const smeOnAdmin = await asPerson('sme', 'GET', '/api/v1/admin/institutions');
    expect(smeOnAdmin.status).toBe(403);
    expect(smeOnAdmin.body.code).toBe('wrong_account_kind');
  });

  it('anything, once signed out', async () => {
    const { client, csrf } = await signedIn(w.gw, 'staff', { subject: 'r-viewer' });
    expect((await client.post('/auth/logout', { headers: sameOrigin(w.gw, csrf) })).status).toBe(204);
    expect((await client.get('/api/v1/admin/institutions')).status).toBe(401);
  });
});

describe('staff sessions: the bureau’s subtree and the member’s role', () => {
  const fill = (path: string) => path.replace(/\{[^}]+\}/g, 'x0');

  it('refuses every bureau operation above a member’s role with 403 insufficient_role, before reading the request', async () => {
    const rank = { viewer: 0, reviewer: 1, admin: 2 } as const;
    const adminRoutes = w.gw.routes.filter((r) => 'scope' in r.access && r.access.scope === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(15);
    let refused = 0;
    for (const route of adminRoutes) {
      const needed = (route.access as { role: keyof typeof rank }).role;
      for (const role of ['viewer', 'reviewer'] as const) {
        if (rank[role] >= rank[needed]) continue;
        const res = await asPerson(`r-${role}`, route.method.toUpperCase(), fill(route.path), route.method === 'get' ? undefined : {});
        expect(res.status, `${role} ${route.operationId}`).toBe(403);
        expect(res.body.code, `${role} ${route.operationId}`).toBe('insufficient_role');
        refused++;
      }
    }
    // Viewers change nothing: every bureau write is above them.
    const writes = adminRoutes.filter((r) => r.method !== 'get');
    expect(writes.every((r) => (r.access as { role: string }).role !== 'viewer')).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(writes.length);
  });

  it('lets a viewer read, a reviewer review and report, an admin administer', async () => {
    for (const path of ['/api/v1/admin/institutions', '/api/v1/admin/bureaus', '/api/v1/admin/products', '/api/v1/admin/applications', '/api/v1/admin/statistics']) {
      expect((await asPerson('r-viewer', 'GET', path)).status, path).toBe(200);
    }
    expect((await asPerson('r-viewer', 'GET', '/api/v1/admin/reports/monthly?month=2026-06')).status).toBe(403);
    expect((await asPerson('r-reviewer', 'GET', '/api/v1/admin/reports/monthly?month=2026-06')).status).toBe(200);
    for (const status of ['suspended', 'active']) {
      const changed = await asPerson('r-reviewer', 'POST', `/api/v1/admin/institutions/${w.bank.clientId}/status`, { status, reason: '复核' });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body.status).toBe(status);
    }
    const bureau = await asPerson('r-admin', 'POST', '/api/v1/admin/bureaus', { region_code: '150200', name: '包头市财政局', jwks: { keys: [(await import('../helpers/auth.js').then((m) => m.makeKey())).publicJwk] } });
    expect(bureau.status, bureau.text).toBe(201);
    const staff = await asPerson('r-admin', 'POST', '/api/v1/admin/staff', { region_code: '150200', subject: 'bt-admin', name: '包头管理员', role: 'admin' });
    expect(staff.status, staff.text).toBe(201);
    const actions: { action: string; actor: string }[] = await w.gw.db('admin_audit').where('target', staff.body.id).select('action', 'actor');
    expect(actions).toEqual([{ action: 'createStaff', actor: (await w.gw.db('staff').where('subject', 'r-admin').first('id')).id }]);
  });

  it('keeps a city bureau’s admin inside its subtree, exactly as the city bureau’s own token is', async () => {
    const requests: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/institutions'],
      ['GET', `/api/v1/admin/institutions/${w.bank.clientId}`],
      ['GET', '/api/v1/admin/bureaus'],
      ['GET', '/api/v1/admin/staff'],
      ['GET', '/api/v1/admin/applications'],
      ['POST', '/api/v1/admin/bureaus', { region_code: '150000', name: '越级', jwks: { keys: [] } }],
      ['POST', '/api/v1/admin/staff', { region_code: '150000', subject: 'above', name: '越级', role: 'viewer' }],
      ['POST', '/api/v1/admin/staff', { region_code: '150200', subject: 'sideways', name: '越界', role: 'viewer' }],
      ['POST', `/api/v1/admin/institutions/${w.bank.clientId}/status`, { status: 'suspended', reason: '越权' }],
    ];
    for (const [method, path, body] of requests) {
      const bySession = await asPerson('c-admin', method, path, body);
      const byToken = await callAs(w.gw, city, method, path, body);
      expect(bySession.status, `${method} ${path}`).toBe(byToken.status);
      expect(bySession.body, `${method} ${path}`).toEqual(byToken.body);
    }
    const outside = await asPerson('c-admin', 'POST', '/api/v1/admin/staff', { region_code: '150000', subject: 'above', name: '越级', role: 'viewer' });
    expect(outside.body.code).toBe('outside_region');
  });

  it('takes a role change in the registry into account at once', async () => {
    const viewer = await registerStaff(w.gw, '150100', 'promoted', 'viewer');
    const { client, csrf } = await signedIn(w.gw, 'staff', { subject: 'promoted' });
    const try_ = () => client.request('POST', '/api/v1/admin/staff', { headers: sameOrigin(w.gw, csrf), json: { region_code: '150100', subject: `p-${Date.now()}`, name: '新人', role: 'viewer' } });
    expect((await try_()).status).toBe(403);
    await w.gw.db('staff').where('id', viewer.id).update({ role: 'admin' });
    expect((await try_()).status).toBe(201);
  });
});
