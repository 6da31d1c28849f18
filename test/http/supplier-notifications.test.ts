import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { sameOrigin, signedIn } from '../helpers/sign-in.js';
import { specViolation } from '../helpers/spec.js';

let w: FinancingWorld;
/** Two signed-in suppliers, each with an approved (so locked) application. */
const people: Record<'a' | 'b', { client: CookieClient; csrf: string; approved: string; contractNo: string }> = {} as never;
let expiring: string;
/** The supplier of the expiring consent: a third one (the contracts come from distinct suppliers). */
let thirdUscc: string;

beforeAll(async () => {
  w = await financingWorld();
  const contracts = await w.financeable(3, { distinctSuppliers: true });
  const apply = async (c: { contractNo: string; uscc: string }, days: number) => {
    const res = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: c.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(days) },
      { headers: await w.supplier(c.uscc) },
    );
    expect(res.status, res.text).toBe(201);
    return String(res.body.id);
  };
  for (const [who, c] of [['a', contracts[0]!], ['b', contracts[1]!]] as const) {
    const id = await apply(c, 30);
    const approved = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000));
    expect(approved.status, approved.text).toBe(200);
    people[who] = { ...(await signedIn(w.gw, 'supplier', { uscc: c.uscc })), approved: id, contractNo: c.contractNo };
  }
  const third = contracts[2]!;
  expiring = await apply(third, 3);
  thirdUscc = third.uscc;
}, 90_000);
afterAll(async () => {
  await w?.close();
});

async function asPerson(who: 'a' | 'b', method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const p = people[who];
  const res = await p.client.request(method, path, { headers: { ...(method === 'GET' ? {} : sameOrigin(w.gw, p.csrf)), ...headers }, ...(json === undefined ? {} : { json }) });
  expect(specViolation(method, path.split('?')[0]!, res.status, res.headers.get('content-type'), res.body)).toBeUndefined();
  return res;
}

describe(`supplier notifications on ${testDatabaseKind}`, () => {
  it('lists the decision and the lock of my own application, unread, and nothing of another supplier', async () => {
    const a = await asPerson('a', 'GET', '/api/v1/supplier/notifications');
    expect(a.status, a.text).toBe(200);
    const types = a.body.items.filter((n: { application_id: string }) => n.application_id === people.a.approved).map((n: { type: string }) => n.type);
    expect(types).toEqual(expect.arrayContaining(['application.approved', 'account_lock.confirmed']));
    expect(a.body.items.every((n: { read: boolean }) => !n.read)).toBe(true);
    expect(a.body.unread_count).toBe(a.body.items.length);
    // Newest first by when the gateway learnt of each (consents about to end lead the first page).
    const received = a.body.items.filter((n: { type: string }) => n.type !== 'consent.expiring').map((n: { received_at: string }) => n.received_at);
    expect(received.length).toBeGreaterThan(1);
    expect(received).toEqual([...received].sort().reverse());
    expect(a.body.items.find((n: { type: string }) => n.type === 'application.approved').amount).toBe(1_000_000);
    // Object level: B's application and contract never show in A's list, nor A's in B's.
    expect(a.body.items.some((n: { application_id: string; contract_no: string }) => n.application_id === people.b.approved || n.contract_no === people.b.contractNo)).toBe(false);
    const b = await asPerson('b', 'GET', '/api/v1/supplier/notifications');
    expect(b.body.items.some((n: { application_id: string }) => n.application_id === people.a.approved)).toBe(false);
    expect(b.body.items.some((n: { application_id: string }) => n.application_id === people.b.approved)).toBe(true);
  });

  it('tells the owner of a consent that ends within 7 days, and no one else', async () => {
    const token = await w.supplier(thirdUscc);
    const res = await w.gw.client.get('/api/v1/supplier/notifications', { headers: token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.find((n: { type: string; application_id: string }) => n.type === 'consent.expiring' && n.application_id === expiring)).toBeDefined();
    for (const who of ['a', 'b'] as const) {
      const other = await asPerson(who, 'GET', '/api/v1/supplier/notifications');
      expect(other.body.items.some((n: { application_id: string }) => n.application_id === expiring)).toBe(false);
    }
  });

  it('pages with a token and refuses a token it did not make', async () => {
    const first = await asPerson('a', 'GET', '/api/v1/supplier/notifications?page_size=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_page_token).toBeDefined();
    const second = await asPerson('a', 'GET', `/api/v1/supplier/notifications?page_size=1&page_token=${first.body.next_page_token}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await asPerson('a', 'GET', '/api/v1/supplier/notifications?page_token=bogus')).status).toBe(400);
    expect((await asPerson('a', 'GET', '/api/v1/supplier/notifications?page_size=501')).status).toBe(400);
  });

  it('refuses to mark read without a session, without the CSRF token or with bad input, and changes nothing', async () => {
    const before = (await asPerson('a', 'GET', '/api/v1/supplier/notifications')).body.unread_count;
    expect(before).toBeGreaterThan(0);
    expect((await w.gw.client.post('/api/v1/supplier/notifications/read', {})).status).toBe(401);
    const noCsrf = await people.a.client.request('POST', '/api/v1/supplier/notifications/read', { headers: { origin: w.gw.issuer }, json: {} });
    expect(noCsrf.status).toBe(403);
    for (const bad of [{ through: 'yesterday' }, { through: new Date(Date.now() + 3_600_000).toISOString() }, { through: new Date().toISOString(), all: true }]) {
      const res = await asPerson('a', 'POST', '/api/v1/supplier/notifications/read', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await asPerson('a', 'GET', '/api/v1/supplier/notifications')).body.unread_count).toBe(before);
  });

  it('marks my notifications read, never backwards, and leaves another supplier’s unread', async () => {
    const bBefore = (await asPerson('b', 'GET', '/api/v1/supplier/notifications')).body.unread_count;
    expect(bBefore).toBeGreaterThan(0);
    const marked = await asPerson('a', 'POST', '/api/v1/supplier/notifications/read', {});
    expect(marked.status, marked.text).toBe(200);
    expect(marked.body).toEqual({ unread_count: 0 });
    const after = await asPerson('a', 'GET', '/api/v1/supplier/notifications');
    expect(after.body.unread_count).toBe(0);
    expect(after.body.items.every((n: { read: boolean }) => n.read)).toBe(true);
    // An older mark does not move it back.
    expect((await asPerson('a', 'POST', '/api/v1/supplier/notifications/read', { through: '2020-01-01T00:00:00Z' })).body).toEqual({ unread_count: 0 });
    expect((await asPerson('b', 'GET', '/api/v1/supplier/notifications')).body.unread_count).toBe(bBefore);
    // A new event after the mark is unread again.
    const disbursed = await w.as(w.bank, 'POST', `/api/v1/applications/${people.a.approved}/disbursements`, { loan_no: 'N-1', amount: 1_000_000, disbursed_on: new Date().toISOString().slice(0, 10) });
    expect(disbursed.status, disbursed.text).toBe(200);
    const later = await asPerson('a', 'GET', '/api/v1/supplier/notifications');
    expect(later.body.unread_count).toBe(1);
    expect(later.body.items[0]).toMatchObject({ type: 'financing.disbursed', read: false, amount: 1_000_000 });
  });

  it('tells the SME of each bank quote it can still accept, revisions anew, and no more once the intent is withdrawn', async () => {
    const [c] = await w.financeable(1);
    const me = await signedIn(w.gw, 'supplier', { uscc: c!.uscc });
    const mine = async () => {
      const res = await me.client.request('GET', '/api/v1/supplier/notifications');
      expect(specViolation('GET', '/api/v1/supplier/notifications', res.status, res.headers.get('content-type'), res.body)).toBeUndefined();
      return res.body as { items: { id: string; type: string; contract_no: string; amount?: number; read: boolean }[]; unread_count: number };
    };
    const quotesOf = (page: Awaited<ReturnType<typeof mine>>) => page.items.filter((n) => n.type === 'quote.received');
    const intent = await me.client.request('POST', '/api/v1/supplier/intents', {
      headers: sameOrigin(w.gw, me.csrf),
      json: { contract_no: c!.contractNo, amount: 2_000_000, term_days: 90, visible_fields: [] },
    });
    expect(intent.status, intent.text).toBe(201);
    expect(quotesOf(await mine())).toEqual([]);

    const validUntil = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const quote = (amount: number) =>
      w.as(w.bank, 'POST', `/api/v1/intents/${intent.body.id}/quotes`, { product_id: w.productId, amount, annual_rate_bp: 450, term_days: 90, fees: 0, valid_until: validUntil });
    expect((await quote(1_500_000)).status).toBe(201);
    const first = await mine();
    expect(quotesOf(first)).toEqual([expect.objectContaining({ contract_no: c!.contractNo, amount: 1_500_000, read: false })]);
    expect(first.items[0]!.type).toBe('quote.received'); // the newest news leads
    expect(first.unread_count).toBeGreaterThan(0);
    // Another supplier hears nothing of it.
    expect(quotesOf((await asPerson('a', 'GET', '/api/v1/supplier/notifications')).body)).toEqual([]);

    // Read, then revised by the bank: the revision is news again, in place of the first.
    expect((await me.client.request('POST', '/api/v1/supplier/notifications/read', { headers: sameOrigin(w.gw, me.csrf), json: {} })).body).toEqual({ unread_count: 0 });
    expect(quotesOf(await mine())).toEqual([expect.objectContaining({ amount: 1_500_000, read: true })]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const revised = await quote(1_800_000);
    expect(revised.status, revised.text).toBe(201);
    const second = await mine();
    expect(quotesOf(second)).toEqual([expect.objectContaining({ amount: 1_800_000, read: false })]);
    expect(quotesOf(second)[0]!.id).not.toBe(quotesOf(first)[0]!.id);
    expect(second.unread_count).toBe(1);

    // Withdrawn: nothing left to accept, nothing to tell.
    const withdrawn = await me.client.request('POST', `/api/v1/supplier/intents/${intent.body.id}/withdraw`, { headers: sameOrigin(w.gw, me.csrf) });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const third = await mine();
    expect(quotesOf(third)).toEqual([]);
    expect(third.unread_count).toBe(0);
  });
});
