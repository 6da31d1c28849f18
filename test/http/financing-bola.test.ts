import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';

let w: FinancingWorld;
let other: { bank: TestParty; productId: string };
let contracts: { contractNo: string; uscc: string; unpaid: number }[];

const parts = ['contract', 'acceptances', 'payments', 'risk-flags'] as const;

async function apply(i: number, consent = consentFor(30)) {
  const c = contracts[i]!;
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: c.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent },
    { headers: await w.supplier(c.uscc) },
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const auditCount = async () => Number((await w.gw.db('data_access_log').count({ n: '*' }))[0]!.n);

beforeAll(async () => {
  w = await financingWorld();
  other = await w.anotherBank();
  contracts = await w.financeable(6);
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe(`object-level authorization on ${testDatabaseKind}`, () => {
  it('answers another bank exactly as for an application that does not exist, and lists nothing', async () => {
    const id = await apply(0);
    const missing = await w.as(other.bank, 'GET', `/api/v1/applications/${randomUUID()}/contract`);
    expect(missing.status).toBe(404);
    const before = await auditCount();
    for (const part of parts) {
      const res = await w.as(other.bank, 'GET', `/api/v1/applications/${id}/${part}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    const detail = await w.as(other.bank, 'GET', `/api/v1/applications/${id}`);
    expect(detail.status).toBe(404);
    expect(detail.body).toEqual(missing.body);
    for (const write of ['review', 'decision', 'cancel']) {
      const body = write === 'decision' ? approval(1_000_000) : {};
      const res = await w.as(other.bank, 'POST', `/api/v1/applications/${id}/${write}`, body);
      expect(res.status, write).toBe(404);
    }
    const listed = await w.as(other.bank, 'GET', '/api/v1/applications');
    expect(listed.body.items).toEqual([]);
    expect(await auditCount()).toBe(before);
    // The addressed bank still reads it.
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${id}/contract`)).status).toBe(200);
  });

  it('refuses reads once the SME revokes consent, and once it withdraws', async () => {
    const revoked = await apply(1);
    const withdrawn = await apply(2);
    const sme1 = await w.supplier(contracts[1]!.uscc);
    const sme2 = await w.supplier(contracts[2]!.uscc);
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${revoked}/contract`)).status).toBe(200);

    const r = await w.gw.client.post(`/api/v1/supplier/applications/${revoked}/consent/revoke`, undefined, { headers: sme1 });
    expect(r.status).toBe(200);
    expect(r.body.consent).toMatchObject({ live: false });
    const wd = await w.gw.client.post(`/api/v1/supplier/applications/${withdrawn}/withdraw`, { reason_code: 'found_other_funding' }, { headers: sme2 });
    expect(wd.body.status).toBe('withdrawn');

    const before = await auditCount();
    for (const id of [revoked, withdrawn]) {
      for (const part of parts) {
        const res = await w.as(w.bank, 'GET', `/api/v1/applications/${id}/${part}`);
        expect(res.status, `${id} ${part}`).toBe(404);
        expect(res.body.code).toBe('application_not_found');
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('refuses a part the consent does not cover, and every part once the consent expires', async () => {
    const narrow = await apply(3, consentFor(30, ['contract']));
    const brief = await apply(4, { parts: ['contract', 'payments'], expires_at: new Date(Date.now() + 1500).toISOString() });
    const before = await auditCount();
    for (const part of ['acceptances', 'payments', 'risk-flags']) {
      expect((await w.as(w.bank, 'GET', `/api/v1/applications/${narrow}/${part}`)).status).toBe(404);
    }
    expect(await auditCount()).toBe(before);
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${narrow}/contract`)).status).toBe(200);
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${brief}/contract`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await w.as(w.bank, 'GET', `/api/v1/applications/${brief}/contract`);
    expect(expired.status).toBe(404);
    expect(expired.body.code).toBe('application_not_found');
    expect(await auditCount()).toBe(before + 2);
    // The SME's log holds only the reads that succeeded.
    const log = await w.gw.client.get('/api/v1/supplier/data-access', { headers: await w.supplier(contracts[4]!.uscc) });
    expect(log.body.items.map((e: { part: string }) => e.part)).toEqual(['contract']);
  });

  it('keeps SMEs to their own contracts and applications', async () => {
    const id = await apply(5);
    const stranger = await w.supplier(contracts[0]!.uscc);
    expect((await w.gw.client.get(`/api/v1/supplier/contracts/${contracts[5]!.contractNo}/offers`, { headers: stranger })).status).toBe(404);
    expect((await w.gw.client.post(`/api/v1/supplier/applications/${id}/withdraw`, {}, { headers: stranger })).status).toBe(404);
    expect((await w.gw.client.post(`/api/v1/supplier/applications/${id}/consent/revoke`, undefined, { headers: stranger })).status).toBe(404);
    const theirs = await w.gw.client.get('/api/v1/supplier/applications', { headers: stranger });
    expect(theirs.body.items.map((a: { id: string }) => a.id)).not.toContain(id);
    const applyOnTheirs = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: contracts[5]!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: stranger },
    );
    expect(applyOnTheirs.status).toBe(404);
    expect(applyOnTheirs.body.code).toBe('contract_not_found');
  });

  it('keeps a 盟市 bureau to its subtree', async () => {
    const rows = await w.gw.db('applications').select('id', 'purchaser_region_code');
    const league = rows[0]!.purchaser_region_code.slice(0, 4) + '00';
    const elsewhere = league === '150200' ? '150300' : '150200';
    const own = await seedBureau(w.gw, league);
    const foreign = await seedBureau(w.gw, elsewhere);
    const seen = await w.as(own, 'GET', '/api/v1/admin/applications');
    expect(seen.body.items.map((a: { id: string }) => a.id)).toContain(rows[0]!.id);
    expect(seen.body.items.every((a: { purchaser_region_code: string }) => a.purchaser_region_code.startsWith(league.slice(0, 4)))).toBe(true);
    const notSeen = await w.as(foreign, 'GET', '/api/v1/admin/applications');
    expect(notSeen.body.items.map((a: { id: string }) => a.id)).not.toContain(rows[0]!.id);
    const above = await w.as(own, 'GET', '/api/v1/admin/applications?region=150000');
    expect(above.status).toBe(403);
    const sideways = await w.as(own, 'GET', `/api/v1/admin/applications?region=${elsewhere}`);
    expect(sideways.status).toBe(403);
    // A product serving the whole 自治区 is above a 盟市 bureau: it cannot see it, let alone review it.
    const product = await w.as(foreign, 'POST', `/api/v1/admin/products/${w.productId}/review`, { decision: 'withdraw', reason: 'x' });
    expect(product.status).toBe(404);
    expect(product.body.code).toBe('product_not_found');
  });

  it('refuses SME operations without a valid supplier token, and bank tokens on SME routes', async () => {
    expect((await w.gw.client.get('/api/v1/supplier/contracts')).status).toBe(401);
    const forged = await w.gw.client.get('/api/v1/supplier/contracts', { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ1c2NjIjoiOTEifQ.' } });
    expect(forged.status).toBe(401);
    const wrongAudience = await w.sandbox.issueSupplierToken({ uscc: contracts[0]!.uscc, audience: 'https://other-gateway.example' });
    expect((await w.gw.client.get('/api/v1/supplier/contracts', { headers: { authorization: `Bearer ${wrongAudience}` } })).status).toBe(401);
    expect((await w.as(w.bank, 'GET', '/api/v1/supplier/contracts')).status).toBeGreaterThanOrEqual(401);
  });
});
