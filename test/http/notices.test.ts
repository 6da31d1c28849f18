import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { KnexAdminAuditStore } from '../../src/features/audit/admin-audit-knex-store.js';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { registerStaff, sameOrigin, signedIn } from '../helpers/sign-in.js';

let w: FinancingWorld;
let city: TestParty;
let county: TestParty;
beforeAll(async () => {
  w = await financingWorld(60);
  city = await seedBureau(w.gw, '150100', '呼和浩特市财政局');
  county = await seedBureau(w.gw, '150102', '新城区财政局');
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const policy = (title = '关于进一步做好政府采购合同融资工作的通知') => ({
  kind: 'policy',
  title,
  body: '各盟市财政局：\n为缓解中小企业融资难题，现就有关事项通知如下。',
});

const record = (uscc: string, o: Record<string, unknown> = {}) => ({
  kind: 'dishonesty',
  title: '政府采购严重违法失信行为记录',
  subject: { name: '内蒙古某某商贸有限公司', uscc },
  finding: '提供虚假材料谋取中标，违反《政府采购法》第七十七条第一款第（一）项。',
  decision_no: '呼财购处〔2026〕12号',
  period_start: '2026-01-01',
  period_end: '2099-12-31',
  ...o,
});

const publicIds = async (query = '') => ((await w.gw.client.get(`/api/v1/public/notices${query}`)).body.items as { id: string }[]).map((n) => n.id);

describe(`notices and 失信通报 on ${testDatabaseKind}`, () => {
  it('goes draft → published → withdrawn, and the public interface shows it only while published', async () => {
    const draft = await w.as(w.bureau, 'POST', '/api/v1/admin/notices', policy());
    expect(draft.status, draft.text).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', kind: 'policy', region_code: '150000', issuing_bureau: { client_id: w.bureau.clientId } });
    const id = draft.body.id as string;
    expect(await publicIds()).not.toContain(id);
    expect((await w.gw.client.get(`/api/v1/public/notices/${id}`)).status).toBe(404);

    const edited = await w.as(w.bureau, 'PATCH', `/api/v1/admin/notices/${id}`, { title: '关于做好政府采购合同融资工作的通知（修订）' });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.title).toBe('关于做好政府采购合同融资工作的通知（修订）');

    const published = await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${id}/publish`);
    expect(published.status, published.text).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.published_at).toBeDefined();
    expect(await publicIds()).toContain(id);
    const one = await w.gw.client.get(`/api/v1/public/notices/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, title: '关于做好政府采购合同融资工作的通知（修订）', issuing_bureau_name: 'bureau 150000' });
    expect(one.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = one.headers.get('etag')!;
    expect((await w.gw.client.request('GET', `/api/v1/public/notices/${id}`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    // A published notice is not edited and not published twice.
    const late = await w.as(w.bureau, 'PATCH', `/api/v1/admin/notices/${id}`, { title: '改' });
    expect([late.status, late.body.code]).toEqual([409, 'notice_not_draft']);
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${id}/publish`)).body.code).toBe('notice_not_draft');

    const withdrawn = await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${id}/withdraw`, { reason: '政策已废止' });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawal_reason: '政策已废止' });
    expect(await publicIds()).not.toContain(id);
    expect((await w.gw.client.get(`/api/v1/public/notices/${id}`)).status).toBe(404);
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${id}/withdraw`, { reason: '再次' })).body.code).toBe('notice_not_published');

    const listed = await w.as(w.bureau, 'GET', '/api/v1/admin/notices?status=withdrawn');
    expect(listed.body.items.map((n: { id: string }) => n.id)).toContain(id);
    expect((await new KnexAdminAuditStore(w.gw.db).actionsOn(id)).map((e) => e.action)).toEqual(['createNotice', 'updateNotice', 'publishNotice', 'withdrawNotice']);
  });

  it('keeps a 旗县 bureau inside its subtree: it cannot write or publish for its 盟市', async () => {
    const up = await w.as(county, 'POST', '/api/v1/admin/notices', { ...policy(), region_code: '150100' });
    expect([up.status, up.body.code]).toEqual([403, 'outside_region']);
    const cityDraft = await w.as(city, 'POST', '/api/v1/admin/notices', policy('呼和浩特市通知'));
    expect(cityDraft.status).toBe(201);
    const id = cityDraft.body.id as string;
    for (const [method, path, body] of [
      ['POST', `/api/v1/admin/notices/${id}/publish`, undefined],
      ['PATCH', `/api/v1/admin/notices/${id}`, { title: '篡改' }],
    ] as const) {
      const res = await w.as(county, method, path, body);
      expect([res.status, res.body.code], `${method} ${path}`).toEqual([404, 'notice_not_found']);
    }
    expect((await w.as(county, 'GET', '/api/v1/admin/notices')).body.items.map((n: { id: string }) => n.id)).not.toContain(id);
    expect((await w.as(city, 'GET', '/api/v1/admin/notices')).body.items.map((n: { id: string }) => n.id)).toContain(id);
    expect(await publicIds()).not.toContain(id);
    // Its own notices the county writes and publishes; the city above sees them.
    const own = await w.as(county, 'POST', '/api/v1/admin/notices', policy('新城区通知'));
    expect(own.body.region_code).toBe('150102');
    expect((await w.as(county, 'POST', `/api/v1/admin/notices/${own.body.id}/publish`)).status).toBe(200);
    expect(await publicIds('?region=150100')).toContain(own.body.id);
    expect(await publicIds('?region=150200')).not.toContain(own.body.id);
  });

  it('refuses a dishonesty record with a wrong USCC check character, or incomplete, and writes nothing', async () => {
    const good = withUsccCheck('91150100MA0N0AAA0');
    const wrong = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const before = (await w.as(w.bureau, 'GET', '/api/v1/admin/notices?page_size=500')).body.items.length;
    for (const [body, pointer] of [
      [record(wrong), '/subject/uscc'],
      [{ ...record(good), decision_no: undefined }, '/decision_no'],
      [{ ...record(good), subject: undefined }, '/subject'],
      [record(good, { period_start: '2026-05-01', period_end: '2026-04-01' }), '/period_end'],
      [record(good, { period_end: '2026-02-30' }), '/period_end'],
      [{ ...policy(), subject: { name: '某公司', uscc: good } }, '/subject'],
      [{ ...policy(), title: '  ' }, '/title'],
      [{ ...policy(), body: 'a\u202Eb' }, '/body'],
      [{ ...policy(), extra: 1 }, ''],
    ] as const) {
      const res = await w.as(w.bureau, 'POST', '/api/v1/admin/notices', body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await w.as(w.bureau, 'GET', '/api/v1/admin/notices?page_size=500')).body.items.length).toBe(before);
    expect((await w.as(w.bureau, 'POST', '/api/v1/admin/notices', record(good))).status).toBe(201);
  });

  it('sends a published dishonesty record to the banks holding consent to that supplier’s risk flags', async () => {
    const [c] = await w.financeable(1);
    const sme = await w.gw.client.request('POST', '/api/v1/supplier/applications', {
      headers: { ...(await w.supplier(c!.uscc)), 'idempotency-key': `ntc-${c!.contractNo}` },
      body: { contract_no: c!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    });
    expect(sme.status, sme.text).toBe(201);
    const other = await w.anotherBank();

    const draft = await w.as(w.bureau, 'POST', '/api/v1/admin/notices', record(c!.uscc));
    const none = (await w.as(w.bank, 'GET', '/api/v1/events?limit=500')).body.items.filter((e: { type: string }) => e.type === 'notice.published');
    expect(none).toEqual([]);
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${draft.body.id}/publish`)).status).toBe(200);
    const events = (await w.as(w.bank, 'GET', '/api/v1/events?limit=500')).body.items.filter((e: { type: string }) => e.type === 'notice.published');
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ application_id: sme.body.id, contract_no: c!.contractNo, notice: { id: draft.body.id, subject: { uscc: c!.uscc }, decision_no: '呼财购处〔2026〕12号' } });
    const elsewhere = (await w.as(other.bank, 'GET', '/api/v1/events?limit=500')).body.items.filter((e: { type: string }) => e.type === 'notice.published');
    expect(elsewhere).toEqual([]);
  });

  it('serves a record publicly only during its period', async () => {
    const uscc = withUsccCheck('91150100MA0N0AAB0');
    const ended = await w.as(w.bureau, 'POST', '/api/v1/admin/notices', record(uscc, { period_start: '2024-01-01', period_end: '2025-01-01' }));
    expect((await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${ended.body.id}/publish`)).status).toBe(200);
    expect(await publicIds('?kind=dishonesty')).not.toContain(ended.body.id);
    expect((await w.gw.client.get(`/api/v1/public/notices/${ended.body.id}`)).status).toBe(404);
    expect((await w.as(w.bureau, 'GET', '/api/v1/admin/notices?status=published&kind=dishonesty')).body.items.map((n: { id: string }) => n.id)).toContain(ended.body.id);
  });

  it('pages the public list, and refuses junk tokens and filters', async () => {
    for (let i = 0; i < 3; i++) {
      const d = await w.as(w.bureau, 'POST', '/api/v1/admin/notices', policy(`分页通知 ${i}`));
      await w.as(w.bureau, 'POST', `/api/v1/admin/notices/${d.body.id}/publish`);
    }
    const first = await w.gw.client.get('/api/v1/public/notices?page_size=2');
    expect(first.body.items).toHaveLength(2);
    const second = await w.gw.client.get(`/api/v1/public/notices?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.body.items[0].id).not.toBe(first.body.items[1].id);
    const times = [...first.body.items, ...second.body.items].map((n: { published_at: string }) => n.published_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await w.gw.client.get('/api/v1/public/notices?page_token=bogus')).status).toBe(400);
    expect((await w.gw.client.get('/api/v1/public/notices?kind=rumour')).status).toBe(400);
  });

  it('is read only and needs no token on the public side; writes need a bureau', async () => {
    const post = await w.gw.client.request('POST', '/api/v1/public/notices', { body: policy() });
    expect(post.status).toBe(405);
    expect((await w.gw.client.request('POST', '/api/v1/admin/notices', { body: policy() })).status).toBe(401);
    const bank = await w.as(w.bank, 'POST', '/api/v1/admin/notices', policy());
    expect([bank.status, bank.body.code]).toEqual([403, 'insufficient_scope']);
  });

  it('takes a staff session by role, and a session write only with the CSRF token', async () => {
    await registerStaff(w.gw, '150000', 'n-reviewer', 'reviewer');
    await registerStaff(w.gw, '150000', 'n-admin', 'admin');
    const reviewer = await signedIn(w.gw, 'staff', { subject: 'n-reviewer' });
    const admin = await signedIn(w.gw, 'staff', { subject: 'n-admin' });
    const noCsrf = await reviewer.client.request('POST', '/api/v1/admin/notices', { headers: { origin: w.gw.issuer }, json: policy() });
    expect([noCsrf.status, noCsrf.body.code]).toEqual([403, 'csrf_failed']);
    const draft = await reviewer.client.request('POST', '/api/v1/admin/notices', { headers: sameOrigin(w.gw, reviewer.csrf), json: policy('会话起草') });
    expect(draft.status, draft.text).toBe(201);
    const byReviewer = await reviewer.client.request('POST', `/api/v1/admin/notices/${draft.body.id}/publish`, { headers: sameOrigin(w.gw, reviewer.csrf) });
    expect([byReviewer.status, byReviewer.body.code]).toEqual([403, 'insufficient_role']);
    const noCsrfPublish = await admin.client.request('POST', `/api/v1/admin/notices/${draft.body.id}/publish`, { headers: { origin: w.gw.issuer } });
    expect(noCsrfPublish.status).toBe(403);
    expect(await publicIds()).not.toContain(draft.body.id);
    const byAdmin = await admin.client.request('POST', `/api/v1/admin/notices/${draft.body.id}/publish`, { headers: sameOrigin(w.gw, admin.csrf) });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect((await new KnexAdminAuditStore(w.gw.db).actionsOn(draft.body.id)).map((e) => e.actor)).toEqual([expect.stringMatching(/^stf_/), expect.stringMatching(/^stf_/)]);
  });
});
