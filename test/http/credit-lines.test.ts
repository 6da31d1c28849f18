import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopHeaders, getToken, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';

const ROUNDS = 20;

let w: FinancingWorld;
let second: { bank: TestParty; productId: string };
/** One supplier with two financeable contracts. */
let pair: { uscc: string; contracts: [string, string] };
let lone: { contractNo: string; uscc: string; unpaid: number };
beforeAll(async () => {
  w = await financingWorld(300);
  second = await w.anotherBank();
  const all = await w.financeable(100, { distinctSuppliers: false });
  const bySupplier = new Map<string, string[]>();
  for (const c of all) bySupplier.set(c.uscc, [...(bySupplier.get(c.uscc) ?? []), c.contractNo]);
  const [uscc, nos] = [...bySupplier.entries()].find(([, nos]) => nos.length >= 2)!;
  pair = { uscc, contracts: [nos[0]!, nos[1]!] };
  lone = all.find((c) => c.uscc !== uscc)!;
}, 90_000);
afterAll(async () => {
  await w?.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function line(bank: TestParty, uscc: string, amount: number, rate = 500) {
  const res = await w.as(bank, 'POST', '/api/v1/credit-lines', { supplier_uscc: uscc, amount, annual_rate_bp: rate, valid_until: inDays(90) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; used: number; available: number };
}

async function apply(uscc: string, contractNo: string, productId = w.productId): Promise<string> {
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: contractNo, product_id: productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: await w.supplier(uscc) },
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

describe(`pre-approved credit lines on ${testDatabaseKind}`, () => {
  it('shows a live line on the SME’s offers and approves inside it in one call, tracking its use', async () => {
    const l = await line(w.bank, lone.uscc, 3_000_000);
    expect(l).toMatchObject({ used: 0, available: 3_000_000, status: 'active' });
    const offers = await w.gw.client.get(`/api/v1/supplier/contracts/${lone.contractNo}/offers`, { headers: await w.supplier(lone.uscc) });
    expect(offers.body.credit_lines).toEqual([expect.objectContaining({ id: l.id, available: 3_000_000, institution_id: w.bank.clientId })]);
    // Nobody else's offers show it.
    const others = await w.gw.client.get(`/api/v1/supplier/contracts/${pair.contracts[0]}/offers`, { headers: await w.supplier(pair.uscc) });
    expect(others.body.credit_lines.map((x: { id: string }) => x.id)).not.toContain(l.id);

    const id = await apply(lone.uscc, lone.contractNo);
    const tooRich = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, { ...approval(1_000_000), annual_rate_bp: 600, credit_line_id: l.id });
    expect(tooRich.status).toBe(422);
    expect(tooRich.body).toMatchObject({ code: 'rate_above_credit_line', max_rate_bp: 500 });
    const approved = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, { ...approval(1_000_000), credit_line_id: l.id });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.history.map((t: { to: string }) => t.to)).toEqual(['submitted', 'approved', 'account_lock_pending', 'account_locked']);
    const listed = await w.as(w.bank, 'GET', `/api/v1/credit-lines?supplier_uscc=${lone.uscc}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: l.id, used: 1_000_000, available: 2_000_000 })]);

    // Cancelling the financing gives the amount back; a revoked line lends no more.
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/cancel`, {})).status).toBe(200);
    expect((await w.as(w.bank, 'GET', '/api/v1/credit-lines')).body.items.find((x: { id: string }) => x.id === l.id)).toMatchObject({ used: 0 });
    expect((await w.as(second.bank, 'POST', `/api/v1/credit-lines/${l.id}/revoke`)).status).toBe(404);
    const revoked = await w.as(w.bank, 'POST', `/api/v1/credit-lines/${l.id}/revoke`);
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect((await w.as(w.bank, 'POST', `/api/v1/credit-lines/${l.id}/revoke`)).body.code).toBe('credit_line_revoked');
    const again = await apply(lone.uscc, lone.contractNo);
    const refused = await w.as(w.bank, 'POST', `/api/v1/applications/${again}/decision`, { ...approval(1_000_000), credit_line_id: l.id });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'credit_line_not_live', state: 'revoked' });
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${again}`)).body.status).toBe('submitted');
  });

  it('keeps a line to its own bank and supplier, and refuses bad input', async () => {
    const mine = await line(w.bank, pair.uscc, 2_000_000);
    const theirs = await line(second.bank, lone.uscc, 2_000_000);
    const otherSupplier = await line(w.bank, lone.uscc, 2_000_000);
    const id = await apply(pair.uscc, pair.contracts[0]);
    // Another bank's line, or a line of another supplier: the same 404.
    for (const lineId of [theirs.id, otherSupplier.id]) {
      const res = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, { ...approval(1_000_000), credit_line_id: lineId });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('credit_line_not_found');
    }
    expect((await w.as(second.bank, 'GET', '/api/v1/credit-lines')).body.items.map((x: { id: string }) => x.id)).toEqual([theirs.id]);
    for (const body of [
      { supplier_uscc: '91150100MA0N0AAA0X', amount: 1, annual_rate_bp: 400, valid_until: inDays(10) },
      { supplier_uscc: pair.uscc, amount: 1.5, annual_rate_bp: 400, valid_until: inDays(10) },
      { supplier_uscc: pair.uscc, amount: 100, annual_rate_bp: 10_001, valid_until: inDays(10) },
    ]) {
      expect((await w.as(w.bank, 'POST', '/api/v1/credit-lines', body)).status).toBe(400);
    }
    const late = await w.as(w.bank, 'POST', '/api/v1/credit-lines', { supplier_uscc: pair.uscc, amount: 100, annual_rate_bp: 400, valid_until: inDays(400) });
    expect(late.body.code).toBe('invalid_credit_line_validity');
    expect((await w.gw.client.get('/api/v1/credit-lines', { headers: await w.supplier(pair.uscc) })).status).toBe(401);
    await w.as(w.bank, 'POST', `/api/v1/credit-lines/${mine.id}/revoke`);
    await w.as(w.bank, 'POST', `/api/v1/credit-lines/${otherSupplier.id}/revoke`);
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, { decision: 'reject', reason_code: 'other' })).status).toBe(200);
  });

  it(`never overdraws a line: two approvals at once beyond its amount, ${ROUNDS} times in a row`, async () => {
    const ids = [await apply(pair.uscc, pair.contracts[0]), await apply(pair.uscc, pair.contracts[1])];
    for (let round = 0; round < ROUNDS; round++) {
      const l = await line(w.bank, pair.uscc, 1_500_000);
      if (round > 0) {
        // The previous round's winner was cancelled: both contracts are open to a new application.
        ids[0] = await apply(pair.uscc, pair.contracts[0]);
        ids[1] = await apply(pair.uscc, pair.contracts[1]);
      }
      const fire = await Promise.all(
        ids.map(async (id) => {
          const path = `/api/v1/applications/${id}/decision`;
          const token = await getToken(w.gw, w.bank);
          const headers = await dpopHeaders(w.gw, w.bank, token, 'POST', path);
          return () => w.gw.client.request('POST', path, { headers, body: { ...approval(1_000_000), credit_line_id: l.id } });
        }),
      );
      const answers = await Promise.all(fire.map((f) => f()));
      expect(answers.map((a) => a.status).sort(), `round ${round}: ${answers.map((a) => a.text).join(' | ')}`).toEqual([200, 422]);
      expect(answers.find((a) => a.status === 422)!.body).toMatchObject({ code: 'credit_line_exceeded', available: 500_000 });
      const stored = await w.gw.db('credit_lines').where({ id: l.id }).first();
      expect(Number(stored.used_fen), `round ${round}`).toBe(1_000_000);
      const winner = ids[answers[0]!.status === 200 ? 0 : 1]!;
      const loser = ids[answers[0]!.status === 200 ? 1 : 0]!;
      expect((await w.gw.db('applications').where({ id: loser }).first()).status).toBe('submitted');
      expect((await w.as(w.bank, 'POST', `/api/v1/applications/${winner}/cancel`, {})).status).toBe(200);
      expect((await w.as(w.bank, 'POST', `/api/v1/applications/${loser}/decision`, { decision: 'reject', reason_code: 'other' })).status).toBe(200);
      await w.as(w.bank, 'POST', `/api/v1/credit-lines/${l.id}/revoke`);
    }
  }, 240_000);
});
