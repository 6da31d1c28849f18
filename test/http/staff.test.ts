import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAdminAuditStore } from '../../src/features/audit/admin-audit-knex-store.js';
import { callAs, onboard, seedBureau, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { registerStaff, sandboxIssuer, signedIn } from '../helpers/sign-in.js';

let gw: TestGateway;
let region: TestParty;
let city: TestParty;
let bank: TestParty;
beforeAll(async () => {
  gw = await startTestGateway();
  region = await seedBureau(gw, '150000', '内蒙古自治区财政厅');
  city = await seedBureau(gw, '150100', '呼和浩特市财政局');
  bank = await onboard(gw, region);
});
afterAll(async () => {
  await gw?.close();
});

const member = (regionCode: string, subject: string, role = 'viewer') => ({ region_code: regionCode, subject, name: `成员 ${subject}`, role });

describe(`the staff registry over the API on ${testDatabaseKind}`, () => {
  it('lets a bureau register staff for itself and below, list its subtree, and remove', async () => {
    const own = await callAs(gw, region, 'POST', '/api/v1/admin/staff', member('150000', 'r-own', 'admin'));
    expect(own.status, own.text).toBe(201);
    expect(own.body).toMatchObject({ subject: 'r-own', role: 'admin', issuer: sandboxIssuer(gw), bureau: { client_id: region.clientId, region_code: '150000', name: '内蒙古自治区财政厅' } });
    const below = await callAs(gw, region, 'POST', '/api/v1/admin/staff', { ...member('150100', 'c-1', 'reviewer'), issuer: 'https://idp.hhht.example/' });
    expect(below.status, below.text).toBe(201);
    expect(below.body.issuer).toBe('https://idp.hhht.example');

    const all = await callAs(gw, region, 'GET', '/api/v1/admin/staff');
    expect(all.status).toBe(200);
    expect(all.body.items.map((m: { subject: string }) => m.subject)).toEqual(expect.arrayContaining(['r-own', 'c-1']));
    const cityView = await callAs(gw, city, 'GET', '/api/v1/admin/staff');
    expect(cityView.body.items.map((m: { subject: string }) => m.subject)).toEqual(['c-1']);

    const removed = await callAs(gw, region, 'DELETE', `/api/v1/admin/staff/${below.body.id}`);
    expect(removed.status).toBe(204);
    expect((await callAs(gw, city, 'GET', '/api/v1/admin/staff')).body.items).toEqual([]);
    expect((await new KnexAdminAuditStore(gw.db).actionsOn(below.body.id)).map((e) => [e.action, e.actor])).toEqual([
      ['createStaff', region.clientId],
      ['removeStaff', region.clientId],
    ]);
  });

  it('pages the list with a page token', async () => {
    for (const s of ['p-1', 'p-2', 'p-3']) expect((await callAs(gw, city, 'POST', '/api/v1/admin/staff', member('150100', s))).status).toBe(201);
    const first = await callAs(gw, city, 'GET', '/api/v1/admin/staff?page_size=2');
    expect(first.body.items).toHaveLength(2);
    const second = await callAs(gw, city, 'GET', `/api/v1/admin/staff?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_page_token).toBeUndefined();
    expect((await callAs(gw, city, 'GET', '/api/v1/admin/staff?page_token=bogus')).status).toBe(400);
  });

  it('keeps a bureau inside its subtree: 403 to register above it, 404 for a member above it', async () => {
    const up = await callAs(gw, city, 'POST', '/api/v1/admin/staff', member('150000', 'sneaky', 'admin'));
    expect(up.status).toBe(403);
    expect(up.body.code).toBe('outside_region');
    const sibling = await callAs(gw, city, 'POST', '/api/v1/admin/staff', member('150200', 'sneaky'));
    expect(sibling.status).toBe(403);
    const top = await callAs(gw, region, 'POST', '/api/v1/admin/staff', member('150000', 'top'));
    const gone = await callAs(gw, city, 'DELETE', `/api/v1/admin/staff/${top.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('staff_not_found');
    expect((await callAs(gw, region, 'GET', '/api/v1/admin/staff')).body.items.map((m: { id: string }) => m.id)).toContain(top.body.id);
  });

  it.each([
    [member('150000', 'x', 'owner'), 'role'],
    [member('150000', ' padded'), 'subject'],
    [member('150000', 'a\u0000b'), 'subject'],
    [{ ...member('150000', 'x'), name: '' }, 'name'],
    [{ ...member('150000', 'x'), issuer: 'ftp://idp.example' }, 'issuer'],
    [{ ...member('150000', 'x'), extra: 1 }, ''],
    [member('150300', 'x'), 'region_code'],
  ])('refuses %j with 400 naming the field, and registers nothing', async (body, field) => {
    const before = (await callAs(gw, region, 'GET', '/api/v1/admin/staff?page_size=500')).body.items.length;
    const res = await callAs(gw, region, 'POST', '/api/v1/admin/staff', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    if (field) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(`/${field}`);
    expect((await callAs(gw, region, 'GET', '/api/v1/admin/staff?page_size=500')).body.items.length).toBe(before);
  });

  it('refuses a second registration of one identity (409)', async () => {
    expect((await callAs(gw, region, 'POST', '/api/v1/admin/staff', member('150000', 'twice'))).status).toBe(201);
    const again = await callAs(gw, region, 'POST', '/api/v1/admin/staff', member('150100', 'twice', 'admin'));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('staff_exists');
  });

  it('is not open to banks', async () => {
    const res = await callAs(gw, bank, 'GET', '/api/v1/admin/staff');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect((await gw.client.get('/api/v1/admin/staff')).status).toBe(401);
  });

  it('ends the sessions of a member who is removed, at once', async () => {
    const registered = await registerStaff(gw, '150100', 'leaving', 'viewer', '即将离职');
    const { client } = await signedIn(gw, 'staff', { subject: 'leaving' });
    expect((await callAs(gw, city, 'DELETE', `/api/v1/admin/staff/${registered.id}`)).status).toBe(204);
    expect((await client.get('/api/v1/session')).status).toBe(401);
  });
});
