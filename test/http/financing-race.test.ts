import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { dpopHeaders, getToken, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';

const ROUNDS = 50;

let w: FinancingWorld;
let second: { bank: TestParty; productId: string };
beforeAll(async () => {
  w = await financingWorld(400);
  second = await w.anotherBank();
}, 90_000);
afterAll(async () => {
  await w?.close();
});

/** A request ready to fire: token and proof made beforehand, so both leave at the same instant. */
async function prepared(bank: TestParty, path: string, body: unknown) {
  const token = await getToken(w.gw, bank);
  const headers = await dpopHeaders(w.gw, bank, token, 'POST', path);
  return () => w.gw.client.request('POST', path, { headers, body });
}

describe(`one live financing per contract on ${testDatabaseKind}`, () => {
  it(`lets exactly one of two simultaneous approvals of one contract through, ${ROUNDS} times in a row`, async () => {
    const targets = await w.financeable(ROUNDS, { distinctSuppliers: false });
    for (const [round, t] of targets.entries()) {
      const sme = await w.supplier(t.uscc);
      const ids: string[] = [];
      for (const productId of [w.productId, second.productId]) {
        const res = await w.gw.client.post(
          '/api/v1/supplier/applications',
          { contract_no: t.contractNo, product_id: productId, requested_amount: 1_000_000, consent: consentFor(30) },
          { headers: sme },
        );
        expect(res.status, res.text).toBe(201);
        ids.push(res.body.id);
      }
      const fire = await Promise.all([
        prepared(w.bank, `/api/v1/applications/${ids[0]}/decision`, approval(1_000_000)),
        prepared(second.bank, `/api/v1/applications/${ids[1]}/decision`, approval(1_000_000)),
      ]);
      const answers = await Promise.all(fire.map((f) => f()));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, `round ${round}`).toEqual([200, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('contract_already_financed');
      const reservations = await w.gw.db('contract_reservations').where({ contract_no: t.contractNo });
      expect(reservations).toHaveLength(1);
      const loser = answers[0]!.status === 409 ? ids[0] : ids[1];
      expect(reservations[0].application_id).not.toBe(loser);
    }
  }, 240_000);

  it('refuses a new application on a contract a live financing holds, naming why, and writes nothing', async () => {
    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const apply = (productId: string) =>
      w.gw.client.post(
        '/api/v1/supplier/applications',
        { contract_no: t!.contractNo, product_id: productId, requested_amount: 1_000_000, consent: consentFor(30) },
        { headers: sme },
      );
    const first = await apply(w.productId);
    expect(first.status, first.text).toBe(201);
    const decided = await (await prepared(w.bank, `/api/v1/applications/${first.body.id}/decision`, approval(1_000_000)))();
    expect(decided.status, decided.text).toBe(200);
    const applications = () => w.gw.db('applications').where({ contract_no: t!.contractNo }).select('id');
    const before = await applications();
    const refused = await apply(second.productId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'contract_not_financeable', reasons: ['live_financing'] });
    expect(await applications()).toEqual(before);
  });

  it('lets one of two simultaneous approvals of the same application through; the other names the state', async () => {
    const [t] = await w.financeable(1);
    const res = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: await w.supplier(t!.uscc) },
    );
    const path = `/api/v1/applications/${res.body.id}/decision`;
    const fire = await Promise.all([prepared(w.bank, path, approval(1_000_000)), prepared(w.bank, path, approval(1_000_000))]);
    const answers = await Promise.all(fire.map((f) => f()));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.code).toBe('invalid_state');
    expect(refused.body.state).toMatch(/approved|account_lock_pending|account_locked/);
  });
});
