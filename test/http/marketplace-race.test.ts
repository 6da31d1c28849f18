import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopHeaders, getToken, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';

const ROUNDS = 20;

let w: FinancingWorld;
let second: { bank: TestParty; productId: string };
beforeAll(async () => {
  w = await financingWorld(300);
  second = await w.anotherBank();
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function quote(bank: TestParty, productId: string, intentId: string): Promise<string> {
  const token = await getToken(w.gw, bank);
  const path = `/api/v1/intents/${intentId}/quotes`;
  const res = await w.gw.client.request('POST', path, {
    headers: await dpopHeaders(w.gw, bank, token, 'POST', path),
    body: { product_id: productId, amount: 1_000_000, annual_rate_bp: 450, term_days: 90, fees: 0, valid_until: inDays(3) },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

describe(`two acceptQuote at once on ${testDatabaseKind}`, () => {
  it(`make exactly one application, ${ROUNDS} times in a row (the same quote, or two quotes of one intent)`, async () => {
    const targets = await w.financeable(ROUNDS);
    for (const [round, t] of targets.entries()) {
      const sme = await w.supplier(t.uscc);
      const published = await w.gw.client.post(
        '/api/v1/supplier/intents',
        { contract_no: t.contractNo, amount: 1_000_000, term_days: 90, visible_fields: [] },
        { headers: sme },
      );
      expect(published.status, published.text).toBe(201);
      const intentId = published.body.id as string;
      const qa = await quote(w.bank, w.productId, intentId);
      const qb = round % 2 === 0 ? qa : await quote(second.bank, second.productId, intentId);
      const answers = await Promise.all(
        [qa, qb].map((q) => w.gw.client.post(`/api/v1/supplier/intents/${intentId}/quotes/${q}/accept`, { consent: consentFor(30) }, { headers: sme })),
      );
      expect(answers.map((a) => a.status).sort(), `round ${round}: ${answers.map((a) => a.text).join(' | ')}`).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toMatch(/^(intent_not_open|quote_not_live)$/);
      const apps = await w.gw.db('applications').where({ intent_id: intentId });
      expect(apps, `round ${round}`).toHaveLength(1);
      const intent = await w.gw.db('financing_intents').where({ id: intentId }).first();
      expect(intent).toMatchObject({ status: 'accepted', application_id: apps[0].id });
      const quotes = await w.gw.db('intent_quotes').where({ intent_id: intentId }).orderBy('id');
      expect(quotes.filter((q: { status: string }) => q.status === 'accepted')).toHaveLength(1);
      expect(quotes.find((q: { status: string }) => q.status === 'accepted').id).toBe(intent.accepted_quote_id);
    }
  }, 240_000);
});
