import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadProduct, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { dpopHeaders, getToken, type TestParty } from '../helpers/auth.js';

// The edge every operation shares (spec conventions "Text" and "Request bodies"), tried on real writes: what
// broke here before was a 500 on PostgreSQL for a NUL, invalid text stored on SQLite, and transitions that ran
// on a body of the wrong type while dropping its reason.

let w: FinancingWorld;
let submitted: string;
const tokens = new Map<string, string>();

async function headersOf(party: TestParty, method: string, path: string): Promise<Record<string, string>> {
  let token = tokens.get(party.clientId);
  if (!token) tokens.set(party.clientId, (token = await getToken(w.gw, party)));
  return dpopHeaders(w.gw, party, token, method, path.split('?')[0]!);
}

/** Sends a raw body (string or bytes) as `party`, with exactly the headers given. */
async function raw(party: TestParty, method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}) {
  return w.gw.client.request(method, path, {
    headers: { ...(await headersOf(party, method, path)), ...headers },
    ...(body === undefined ? {} : { raw: typeof body === 'string' ? Buffer.from(body, 'utf8') : body }),
  });
}

async function json(party: TestParty, method: string, path: string, body: unknown) {
  return w.gw.client.request(method, path, { headers: await headersOf(party, method, path), body });
}

const tables = ['products', 'product_regions', 'applications', 'application_transitions', 'events', 'admin_audit'];

async function snapshot(): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await w.gw.db(t).select('*').orderByRaw('1');
  return JSON.stringify(out);
}

async function statusOf(id: string): Promise<string> {
  const row = (await w.gw.db('applications').where({ id }).first('status')) as { status: string };
  return row.status;
}

beforeAll(async () => {
  w = await financingWorld(30);
  const [a] = await w.financeable(1);
  const created = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: a!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: await w.supplier(a!.uscc) },
  );
  expect(created.status).toBe(201);
  submitted = created.body.id;
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('the text rule on every string of a request', () => {
  const bad: [string, string, string][] = [
    ['NUL', 'abc\u0000def', 'control'],
    ['a C0 control (BEL)', 'abc\u0007', 'control'],
    ['a line break', '第一行\n第二行', 'control'],
    ['a C1 control (NEL)', 'abc\u0085', 'control'],
    ['DEL', 'abc\u007F', 'control'],
  ];
  for (const [what, value, detail] of bad) {
    it(`refuses ${what} in a body field with 400 naming it, and changes nothing`, async () => {
      const before = await snapshot();
      const res = await json(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: value });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/name', detail: expect.stringContaining(detail) }));
      expect(await snapshot()).toBe(before);
    });
  }

  it('refuses a lone surrogate (as JSON writes it) at any depth', async () => {
    const before = await snapshot();
    const body = JSON.stringify({ ...broadProduct, name: 'x' }).replace('"x"', '"x\\ud800y"');
    const res = await raw(w.bank, 'POST', '/api/v1/products', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/name', detail: expect.stringContaining('surrogate') }));
    const nested = JSON.stringify({ ...broadProduct, categories: ['goods', '\udc00'] }).replace('"\udc00"', '"\\udc00"');
    const res2 = await raw(w.bank, 'POST', '/api/v1/products', nested, { 'content-type': 'application/json' });
    expect(res2.status).toBe(400);
    expect(res2.body.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/categories/1' }));
    expect(await snapshot()).toBe(before);
  });

  it('refuses bytes that are not UTF-8, naming the field they are in', async () => {
    const before = await snapshot();
    const [head, tail] = JSON.stringify({ ...broadProduct, name: 'XX' }).split('XX') as [string, string];
    const body = Buffer.concat([Buffer.from(head + '产品'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(tail)]);
    const res = await raw(w.bank, 'POST', '/api/v1/products', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '/name', detail: 'must be valid UTF-8' }]);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a control character in a member name', async () => {
    const res = await json(w.bank, 'PATCH', `/api/v1/products/${w.productId}`, { 'max_share_bp\u0000': 7000 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ in: 'body', pointer: '/max_share_bp\u0000' });
  });

  it('refuses NUL, controls and non-UTF-8 in the query and the path', async () => {
    for (const q of ['page_size=1%00', 'page_token=%01abc', 'page_token=%FF%FE', 'page_token=a%C2%85']) {
      const res = await raw(w.bureau, 'GET', `/api/v1/admin/quarantined-records?${q}`, undefined);
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0], q).toMatchObject({ in: 'query', pointer: `/${q.split('=')[0]}` });
    }
    const before = await snapshot();
    const res = await raw(w.bank, 'PATCH', `/api/v1/products/${w.productId}%00`, JSON.stringify({ max_share_bp: 7000 }), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ in: 'path', pointer: '/productId' });
    expect(await snapshot()).toBe(before);
  });

  it('stores text in NFC, so that a decomposed name reads back composed', async () => {
    const res = await json(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: 'Cafe\u0301 政采贷' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Caf\u00e9 政采贷');
    const row = (await w.gw.db('products').where({ id: res.body.id }).first('name')) as { name: string };
    expect(row.name).toBe('Caf\u00e9 政采贷');
  });

  it('refuses a request line past 16 KiB with 431 before any operation, as the conventions say, changing nothing', async () => {
    // A sign-in answer at its maxLength of 2,048 characters outside the BMP percent-encodes to 24 KiB.
    const before = await snapshot();
    const res = await fetch(`${w.gw.issuer}/auth/callback?code=${encodeURIComponent('\u{20000}'.repeat(2048))}&state=x`, { redirect: 'manual' });
    expect(res.status).toBe(431);
    expect(await snapshot()).toBe(before);
    // 1,000 of them (12 KiB) reach the operation, which answers with its own page.
    const fits = await fetch(`${w.gw.issuer}/auth/callback?code=${encodeURIComponent('\u{20000}'.repeat(1000))}&state=x`, { redirect: 'manual' });
    expect(fits.status).toBe(400);
  });

  it('counts maxLength in code points: 100 characters outside the BMP fit a 100-character name, 101 do not', async () => {
    const ok = await json(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '𠀀'.repeat(100) });
    expect(ok.status).toBe(201);
    const tooLong = await json(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: '𠀀'.repeat(101) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toMatchObject({ in: 'body', pointer: '/name' });
  });
});

describe('request bodies: JSON only, required when the spec says so', () => {
  const path = () => `/api/v1/applications/${submitted}/review`;
  const wrongTypes: [string, Record<string, string>, string][] = [
    ['text/plain', { 'content-type': 'text/plain' }, '{"reason_text":"理由"}'],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'reason_text=%E7%90%86%E7%94%B1'],
    ['XML', { 'content-type': 'application/xml' }, '<reason_text>理由</reason_text>'],
    ['no Content-Type', {}, '{"reason_text":"理由"}'],
    ['JSON in UTF-16', { 'content-type': 'application/json; charset=utf-16' }, '{"reason_text":"理由"}'],
    ['a +json type', { 'content-type': 'application/merge-patch+json' }, '{"reason_text":"理由"}'],
  ];
  for (const [what, headers, body] of wrongTypes) {
    it(`answers 415 with the accepted type for ${what}, and the transition does not happen`, async () => {
      const before = await snapshot();
      const res = await raw(w.bank, 'POST', path(), body, headers);
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'unsupported_media_type', accept: ['application/json'] });
      expect(res.headers.get('accept-post')).toBe('application/json');
      expect(await statusOf(submitted)).toBe('submitted');
      expect(await snapshot()).toBe(before);
    });
  }

  it('answers 415 with Accept-Patch on a PATCH', async () => {
    const res = await raw(w.bank, 'PATCH', `/api/v1/products/${w.productId}`, 'max_share_bp=7000', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-patch')).toBe('application/json');
  });

  it('answers 400 malformed_json for a body that is not JSON, and nothing happens', async () => {
    const before = await snapshot();
    const res = await raw(w.bank, 'POST', path(), '{"reason_text": "理由"', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_json');
    expect(await snapshot()).toBe(before);
  });

  it('answers 400 body_required when a required body is missing', async () => {
    const before = await snapshot();
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const res = await raw(w.bank, 'POST', `/api/v1/applications/${submitted}/decision`, undefined, headers);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('body_required');
    }
    expect(await snapshot()).toBe(before);
  });

  it('validates an optional body that is sent, and accepts JSON with charset=UTF-8', async () => {
    const invalid = await raw(w.bank, 'POST', path(), JSON.stringify({ reason_text: 'a\u0000b' }), { 'content-type': 'application/json' });
    expect(invalid.status).toBe(400);
    expect(await statusOf(submitted)).toBe('submitted');
    const ok = await raw(w.bank, 'POST', path(), JSON.stringify({ reason_text: '开始审查' }), { 'content-type': 'Application/JSON; charset="UTF-8"' });
    expect(ok.status).toBe(200);
    expect(await statusOf(submitted)).toBe('under_review');
  });

  it('takes an optional body left out', async () => {
    const [c] = await w.financeable(2).then((all) => all.slice(1));
    const sme = await w.supplier(c!.uscc);
    const created = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: c!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: sme },
    );
    expect(created.status).toBe(201);
    const res = await w.gw.client.request('POST', `/api/v1/supplier/applications/${created.body.id}/withdraw`, { headers: sme });
    expect(res.status).toBe(200);
    expect(await statusOf(created.body.id)).toBe('withdrawn');
  });
});
