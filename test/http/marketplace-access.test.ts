import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboard, type TestParty } from '../helpers/auth.js';
import type { CookieClient } from '../helpers/cookie-client.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { sameOrigin, signedIn } from '../helpers/sign-in.js';

let w: FinancingWorld;
let targets: { contractNo: string; uscc: string; unpaid: number }[];
/** A bank covering a region outside the first target's purchaser lineage. */
let outsider: TestParty;
let second: { bank: TestParty; productId: string };
let session: { client: CookieClient; csrf: string };

beforeAll(async () => {
  w = await financingWorld();
  targets = await w.financeable(4);
  const { purchaser_region_code: region } = await w.gw.db('contracts').where({ contract_no: targets[0]!.contractNo }).first('purchaser_region_code');
  outsider = await onboard(w.gw, w.bureau, { regions: [String(region).startsWith('1502') ? '150100' : '150200'] });
  second = await w.anotherBank();
  session = await signedIn(w.gw, 'supplier', { uscc: targets[0]!.uscc });
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const intentBody = (i: number, extra: Record<string, unknown> = {}) => ({
  contract_no: targets[i]!.contractNo,
  amount: 1_000_000,
  term_days: 90,
  visible_fields: ['acceptance_status'],
  ...extra,
});
const quoteBody = (productId: string, extra: Record<string, unknown> = {}) => ({
  product_id: productId,
  amount: 1_000_000,
  annual_rate_bp: 450,
  term_days: 90,
  fees: 0,
  valid_until: inDays(3),
  ...extra,
});

async function publish(i: number, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await w.gw.client.post('/api/v1/supplier/intents', intentBody(i, extra), { headers: await w.supplier(targets[i]!.uscc) });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
const count = async (table: string) => Number(((await w.gw.db(table).count({ n: '*' }).first()) as { n: string | number }).n);

describe(`the marketplace's authorization on ${testDatabaseKind}`, () => {
  it('shows an intent only to banks covering the purchaser, and an outsider cannot quote on it', async () => {
    const id = await publish(0);
    const seen = await w.as(w.bank, 'GET', '/api/v1/intents');
    expect(seen.body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(seen.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ acceptance_status: expect.stringMatching(/accepted/) });
    const notSeen = await w.as(outsider, 'GET', '/api/v1/intents');
    expect(notSeen.status).toBe(200);
    expect(notSeen.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const get = await w.as(outsider, 'GET', `/api/v1/intents/${id}`);
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('intent_not_found');
    const quoted = await w.as(outsider, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId));
    expect(quoted.status).toBe(404);
    expect(await count('intent_quotes')).toBe(0);
    // Nor was the outsider told.
    const feed = await w.as(outsider, 'GET', '/api/v1/events');
    expect(feed.body.items.filter((e: { type: string }) => e.type === 'intent.published')).toEqual([]);
  });

  it('keeps an SME to its own intents and a bank to its own quotes', async () => {
    const id = await publish(1);
    const other = await w.supplier(targets[2]!.uscc);
    expect((await w.gw.client.get(`/api/v1/supplier/intents/${id}/quotes`, { headers: other })).status).toBe(404);
    expect((await w.gw.client.post(`/api/v1/supplier/intents/${id}/withdraw`, undefined, { headers: other })).status).toBe(404);
    expect((await w.gw.client.get('/api/v1/supplier/intents', { headers: other })).body.items).toEqual([]);
    // Another SME's contract cannot carry my intent.
    const theirs = await w.gw.client.post('/api/v1/supplier/intents', intentBody(1), { headers: other });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('contract_not_found');

    const q = await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId));
    expect(q.status, q.text).toBe(201);
    expect((await w.as(second.bank, 'POST', `/api/v1/intents/${id}/quotes/${q.body.id}/withdraw`)).status).toBe(404);
    const accept = await w.gw.client.post(`/api/v1/supplier/intents/${id}/quotes/${q.body.id}/accept`, { consent: consentFor(30) }, { headers: other });
    expect(accept.status).toBe(404);
    // A bank cannot quote under another bank's product.
    const borrowed = await w.as(second.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId));
    expect(borrowed.status).toBe(422);
    expect(borrowed.body.code).toBe('product_not_offered');
    // A supplier token is no bank, a bank token no supplier.
    expect((await w.gw.client.get('/api/v1/intents', { headers: other })).status).toBe(401);
    expect((await w.as(w.bank, 'GET', '/api/v1/supplier/intents')).status).toBe(401);
  });

  it('refuses a session write without the CSRF token and accepts it with', async () => {
    const before = await count('financing_intents');
    const bare = await session.client.request('POST', '/api/v1/supplier/intents', { headers: { origin: w.gw.issuer }, json: intentBody(0) });
    expect(bare.status).toBe(403);
    expect(bare.body.code).toBe('csrf_failed');
    const foreign = await session.client.request('POST', '/api/v1/supplier/intents', { headers: { origin: 'https://evil.example', 'x-csrf-token': session.csrf }, json: intentBody(0) });
    expect(foreign.status).toBe(403);
    expect(await count('financing_intents')).toBe(before);
    const listed = await session.client.request('GET', '/api/v1/supplier/intents');
    expect(listed.status).toBe(200);
    const open = listed.body.items.find((i: { status: string }) => i.status === 'open');
    const withdrawn = await session.client.request('POST', `/api/v1/supplier/intents/${open.id}/withdraw`, { headers: sameOrigin(w.gw, session.csrf) });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });
});

describe(`the marketplace's rules on ${testDatabaseKind}`, () => {
  it('refuses bad input with problem+json and changes nothing', async () => {
    const sme = await w.supplier(targets[3]!.uscc);
    const before = await count('financing_intents');
    for (const [body, pointer] of [
      [intentBody(3, { amount: 100.5 }), '/amount'],
      [intentBody(3, { visible_fields: ['supplier_name'] }), '/visible_fields/0'],
      [intentBody(3, { visible_fields: ['acceptance_status', 'acceptance_status'] }), '/visible_fields'],
      [intentBody(3, { term_days: 0 }), '/term_days'],
      [{ ...intentBody(3), contract: 'x' }, ''],
    ] as const) {
      const res = await w.gw.client.post('/api/v1/supplier/intents', body, { headers: sme });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const tooMuch = await w.gw.client.post('/api/v1/supplier/intents', intentBody(3, { amount: targets[3]!.unpaid + 1 }), { headers: sme });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'amount_exceeds_unpaid', max_amount: targets[3]!.unpaid });
    const late = await w.gw.client.post('/api/v1/supplier/intents', intentBody(3, { expires_at: inDays(31) }), { headers: sme });
    expect(late.body.code).toBe('invalid_intent_expiry');
    expect(await count('financing_intents')).toBe(before);

    const id = await publish(3);
    const twice = await w.gw.client.post('/api/v1/supplier/intents', intentBody(3), { headers: sme });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('intent_exists');

    for (const [extra, code] of [
      [{ amount: 1_000_001 }, 'amount_exceeds_limit'],
      [{ annual_rate_bp: 1000 }, 'rate_outside_product'],
      [{ term_days: 10 }, 'term_outside_product'],
      [{ valid_until: inDays(-1) }, 'invalid_quote_validity'],
    ] as const) {
      const res = await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId, extra));
      expect(res.status, code).toBe(422);
      expect(res.body.code).toBe(code);
    }
    expect((await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId, { fees: 1.5 }))).status).toBe(400);
    expect(await w.gw.db('intent_quotes').where({ intent_id: id })).toEqual([]);

    // A quote revised after the SME read it, a withdrawn quote, a closed intent: each refused by name.
    const q = await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId));
    await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId, { annual_rate_bp: 500 }));
    const stale = await w.gw.client.post(`/api/v1/supplier/intents/${id}/quotes/${q.body.id}/accept`, { consent: consentFor(30), quote_revision: 1 }, { headers: sme });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'quote_revised', revision: 2 });
    const withdrawn = await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes/${q.body.id}/withdraw`);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes/${q.body.id}/withdraw`)).body.code).toBe('quote_not_live');
    const dead = await w.gw.client.post(`/api/v1/supplier/intents/${id}/quotes/${q.body.id}/accept`, { consent: consentFor(30) }, { headers: sme });
    expect(dead.status).toBe(409);
    expect(dead.body).toMatchObject({ code: 'quote_not_live', state: 'withdrawn' });
    const revived = await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId));
    expect(revived.body).toMatchObject({ id: q.body.id, status: 'live', revision: 3 });
    expect((await w.gw.client.post(`/api/v1/supplier/intents/${id}/withdraw`, undefined, { headers: sme })).status).toBe(200);
    const declined = (await w.as(w.bank, 'GET', '/api/v1/events?limit=500')).body.items.filter((e: { type: string; data: { quote_id: string } }) => e.type === 'quote.declined' && e.data.quote_id === q.body.id);
    expect(declined.map((e: { data: unknown }) => e.data)).toEqual([{ intent_id: id, quote_id: q.body.id, reason: 'intent_withdrawn' }]);
    const closed = await w.gw.client.post(`/api/v1/supplier/intents/${id}/quotes/${q.body.id}/accept`, { consent: consentFor(30) }, { headers: sme });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ code: 'intent_not_open', state: 'withdrawn' });
    expect((await w.as(w.bank, 'POST', `/api/v1/intents/${id}/quotes`, quoteBody(w.productId))).body.code).toBe('intent_not_open');
  });
});
