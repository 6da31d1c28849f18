import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import type { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { registerStaff, sameOrigin, signedIn } from '../helpers/sign-in.js';
import { specViolation } from '../helpers/spec.js';

// What the bureau console reads and changes beyond institutions: the applications of the subtree with their
// filters and timeline (getAdminApplication), the deadline breaches (listDeadlineBreaches) and staff roles
// (updateStaff) — each within the subtree only, a 150100 bureau never reaching 150200's, by list or by id.

let w: FinancingWorld;
let hohhot: TestParty;
let baotou: TestParty;
const ids: Record<'xincheng' | 'huimin' | 'baotou', string> = { xincheng: '', huimin: '', baotou: '' };
const people: Record<string, { client: CookieClient; csrf: string; session: { name: string } }> = {};

/** Submits an application, then places it in `region` and on `day` (CST noon) as if it had been purchased there then. */
async function applyIn(c: { contractNo: string; uscc: string }, region: string, amount: number, day: string) {
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: c.contractNo, product_id: w.productId, requested_amount: amount, consent: consentFor(30) },
    { headers: await w.supplier(c.uscc) },
  );
  expect(res.status, res.text).toBe(201);
  await w.gw.db('applications').where({ id: res.body.id }).update({ purchaser_region_code: region, created_at: Date.parse(`${day}T12:00:00+08:00`) });
  return res.body.id as string;
}

beforeAll(async () => {
  w = await financingWorld();
  hohhot = await seedBureau(w.gw, '150100', '呼和浩特市财政局');
  baotou = await seedBureau(w.gw, '150200', '包头市财政局');
  const [a, b, c] = await w.financeable(3);
  ids.xincheng = await applyIn(a!, '150102', 1_000_000, '2026-03-02');
  ids.huimin = await applyIn(b!, '150103', 3_000_000, '2026-03-20');
  ids.baotou = await applyIn(c!, '150202', 2_000_000, '2026-03-10');
  for (const role of ['admin', 'viewer'] as const) await registerStaff(w.gw, '150100', `h-${role}`, role);
  await registerStaff(w.gw, '150200', 'b-admin', 'admin');
  for (const subject of ['h-admin', 'h-viewer', 'b-admin']) people[subject] = await signedIn(w.gw, 'staff', { subject });
}, 120_000);
afterAll(async () => {
  await w?.close();
});

/** A request from the console as a signed-in member of staff; every answer must be one the spec documents. */
async function asStaff(who: string, method: string, path: string, json?: unknown) {
  const p = people[who]!;
  const res = await p.client.request(method, path, { headers: method === 'GET' ? {} : sameOrigin(w.gw, p.csrf), ...(json === undefined ? {} : { json }) });
  expect(specViolation(method, path.split('?')[0]!, res.status, res.headers.get('content-type'), res.body), `${method} ${path}`).toBeUndefined();
  return res;
}

const listed = async (who: string, query: string) => {
  const res = await asStaff(who, 'GET', `/api/v1/admin/applications${query}`);
  expect(res.status, res.text).toBe(200);
  return (res.body.items as { id: string }[]).map((a) => a.id);
};

describe(`the applications of a bureau's subtree on ${testDatabaseKind}`, () => {
  it('lists only the subtree, newest first, and narrows by region, institution, days and amount', async () => {
    expect(await listed('h-viewer', '')).toEqual([ids.huimin, ids.xincheng]);
    expect(await listed('b-admin', '')).toEqual([ids.baotou]);
    expect(await listed('h-viewer', '?region=150103')).toEqual([ids.huimin]);
    expect(await listed('h-viewer', `?institution_id=${w.bank.clientId}`)).toEqual([ids.huimin, ids.xincheng]);
    expect(await listed('h-viewer', '?institution_id=ins_nobody')).toEqual([]);
    // Days are whole China Standard Time days, both ends included.
    expect(await listed('h-viewer', '?created_from=2026-03-02&created_to=2026-03-02')).toEqual([ids.xincheng]);
    expect(await listed('h-viewer', '?created_from=2026-03-03')).toEqual([ids.huimin]);
    expect(await listed('h-viewer', '?created_to=2026-03-19')).toEqual([ids.xincheng]);
    expect(await listed('h-viewer', '?amount_min=1000001')).toEqual([ids.huimin]);
    expect(await listed('h-viewer', '?amount_min=1000000&amount_max=1000000')).toEqual([ids.xincheng]);
    expect(await listed('h-viewer', '?status=submitted&page_size=1')).toEqual([ids.huimin]);
  });

  it('pages with a token that keeps the filters', async () => {
    const first = await asStaff('h-viewer', 'GET', '/api/v1/admin/applications?page_size=1&amount_min=1');
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([ids.huimin]);
    const second = await asStaff('h-viewer', 'GET', `/api/v1/admin/applications?page_size=1&amount_min=1&page_token=${first.body.next_page_token}`);
    expect(second.body.items.map((a: { id: string }) => a.id)).toEqual([ids.xincheng]);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('refuses a region outside the subtree (403) and backwards or malformed filters (400 naming the parameter)', async () => {
    const outside = await asStaff('h-viewer', 'GET', '/api/v1/admin/applications?region=150202');
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('outside_subtree');
    for (const [query, pointer] of [
      ['created_from=2026-03-10&created_to=2026-03-09', '/created_to'],
      ['amount_min=5&amount_max=4', '/amount_max'],
      ['amount_min=1.5', '/amount_min'],
      ['amount_max=-1', '/amount_max'],
      ['created_from=2026-02-30', '/created_from'],
      ['institution_id=a%20b', '/institution_id'],
    ] as const) {
      const res = await asStaff('h-viewer', 'GET', `/api/v1/admin/applications?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer), query).toContain(pointer);
    }
  });

  it('shows one application of the subtree with its timeline; another region’s is 404 like one that does not exist', async () => {
    await w.as(w.bank, 'POST', `/api/v1/applications/${ids.xincheng}/review`, {});
    const one = await asStaff('h-viewer', 'GET', `/api/v1/admin/applications/${ids.xincheng}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ id: ids.xincheng, status: 'under_review', purchaser_region_code: '150102', requested_amount: 1_000_000 });
    expect(one.body.history.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'submitted'],
      ['submitted', 'under_review'],
    ]);
    expect(one.body.history[1].actor).toBe(`institution:${w.bank.clientId}`);
    const missing = await asStaff('h-admin', 'GET', `/api/v1/admin/applications/${randomUUID()}`);
    expect(missing.status).toBe(404);
    const foreign = await asStaff('h-admin', 'GET', `/api/v1/admin/applications/${ids.baotou}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await asStaff('b-admin', 'GET', `/api/v1/admin/applications/${ids.xincheng}`)).status).toBe(404);
    // The bureau's own token obeys the same rule; the root bureau sees both.
    expect((await w.as(hohhot, 'GET', `/api/v1/admin/applications/${ids.baotou}`)).status).toBe(404);
    expect((await w.as(w.bureau, 'GET', `/api/v1/admin/applications/${ids.baotou}`)).status).toBe(200);
  });
});

describe(`deadline breaches on ${testDatabaseKind}`, () => {
  it('lists the subtree’s missed deadlines newest first, narrows by region and deadline, and pages', async () => {
    const at = (day: string) => Date.parse(`${day}T09:00:00+08:00`);
    const breach = (id: string, region: string, deadline: string, day: string) => ({
      application_id: id,
      deadline,
      institution_id: w.bank.clientId,
      region_code: region,
      working_days: 5,
      due_at: at(day) - 86_400_000,
      recorded_at: at(day),
    });
    await w.gw.db('deadline_breaches').insert([
      breach(ids.xincheng, '150102', 'decide', '2026-03-10'),
      breach(ids.huimin, '150103', 'decide', '2026-03-28'),
      breach(ids.huimin, '150103', 'disburse', '2026-04-15'),
      breach(ids.baotou, '150202', 'decide', '2026-03-18'),
    ]);
    const res = await asStaff('h-viewer', 'GET', '/api/v1/admin/deadline-breaches');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((b: { application_id: string; deadline: string }) => [b.application_id, b.deadline])).toEqual([
      [ids.huimin, 'disburse'],
      [ids.huimin, 'decide'],
      [ids.xincheng, 'decide'],
    ]);
    expect(res.body.items[2]).toMatchObject({ region_code: '150102', institution_id: w.bank.clientId, working_days: 5, recorded_at: '2026-03-10T01:00:00.000Z' });
    expect(res.body.items[2].institution_name).not.toBe('');
    expect(res.body.items[2].contract_no).toMatch(/\S/);
    const baotouList = await asStaff('b-admin', 'GET', '/api/v1/admin/deadline-breaches');
    expect(baotouList.body.items.map((b: { application_id: string }) => b.application_id)).toEqual([ids.baotou]);
    const narrowed = await asStaff('h-viewer', 'GET', '/api/v1/admin/deadline-breaches?region=150103&deadline=decide');
    expect(narrowed.body.items.map((b: { recorded_at: string }) => b.recorded_at)).toEqual(['2026-03-28T01:00:00.000Z']);
    const page1 = await asStaff('h-viewer', 'GET', '/api/v1/admin/deadline-breaches?page_size=2');
    const page2 = await asStaff('h-viewer', 'GET', `/api/v1/admin/deadline-breaches?page_size=2&page_token=${page1.body.next_page_token}`);
    expect(page2.body.items.map((b: { application_id: string }) => b.application_id)).toEqual([ids.xincheng]);
    const outside = await asStaff('h-viewer', 'GET', '/api/v1/admin/deadline-breaches?region=150202');
    expect(outside.status).toBe(403);
    expect((await asStaff('h-viewer', 'GET', '/api/v1/admin/deadline-breaches?deadline=late')).status).toBe(400);
    expect((await w.as(baotou, 'GET', '/api/v1/admin/deadline-breaches')).body.items).toHaveLength(1);
  });
});

describe(`changing a member of staff's role on ${testDatabaseKind}`, () => {
  it('lets an admin change a role in the subtree, in force at once, and audits it', async () => {
    const member = await registerStaff(w.gw, '150100', 'h-changing', 'viewer');
    const changed = await asStaff('h-admin', 'PATCH', `/api/v1/admin/staff/${member.id}`, { role: 'reviewer' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ id: member.id, role: 'reviewer', bureau: { region_code: '150100' } });
    const listedStaff = await asStaff('h-admin', 'GET', '/api/v1/admin/staff');
    expect(listedStaff.body.items.find((m: { id: string }) => m.id === member.id).role).toBe('reviewer');
    const log = await asStaff('h-viewer', 'GET', `/api/v1/admin/audit?action=updateStaff&target=${member.id}`);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0].before).toMatchObject({ role: 'viewer' });
    expect(log.body.items[0].after).toMatchObject({ role: 'reviewer' });
    // The member's own session carries the new role from the next request.
    const theirs = await signedIn(w.gw, 'staff', { subject: 'h-changing' });
    expect(theirs.session).toMatchObject({ role: 'reviewer' });
    await asStaff('h-admin', 'PATCH', `/api/v1/admin/staff/${member.id}`, { role: 'admin' });
    expect((await theirs.client.get('/api/v1/session')).body.role).toBe('admin');
  });

  it('refuses a viewer (403), a member of another 盟市 (404), one’s own role (409) and bad roles (400), changing nothing', async () => {
    const target = await registerStaff(w.gw, '150100', 'h-target', 'viewer');
    const foreign = await registerStaff(w.gw, '150200', 'b-target', 'viewer');
    const viewer = await asStaff('h-viewer', 'PATCH', `/api/v1/admin/staff/${target.id}`, { role: 'admin' });
    expect(viewer.status).toBe(403);
    const other = await asStaff('h-admin', 'PATCH', `/api/v1/admin/staff/${foreign.id}`, { role: 'admin' });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('staff_not_found');
    const self = (await asStaff('h-admin', 'GET', '/api/v1/admin/staff')).body.items.find((m: { subject: string }) => m.subject === 'h-admin');
    const own = await asStaff('h-admin', 'PATCH', `/api/v1/admin/staff/${self.id}`, { role: 'viewer' });
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('cannot_change_own_role');
    for (const body of [{ role: 'owner' }, {}, { role: 'admin', name: 'x' }]) expect((await asStaff('h-admin', 'PATCH', `/api/v1/admin/staff/${target.id}`, body)).status).toBe(400);
    const noCsrf = await people['h-admin']!.client.request('PATCH', `/api/v1/admin/staff/${target.id}`, { headers: { origin: w.gw.issuer }, json: { role: 'admin' } });
    expect(noCsrf.status).toBe(403);
    const roles = await w.gw.db('staff').whereIn('id', [target.id, foreign.id, self.id]).select('id', 'role');
    expect(Object.fromEntries(roles.map((r: { id: string; role: string }) => [r.id, r.role]))).toEqual({ [target.id]: 'viewer', [foreign.id]: 'viewer', [self.id]: 'admin' });
    expect(await w.gw.db('admin_audit').where({ action: 'updateStaff', target: target.id })).toEqual([]);
  });
});
