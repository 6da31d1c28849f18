import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { seedBureau, type TestParty } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { verifyConsistency, verifyInclusion } from '../helpers/rfc9162-verify.js';
import { registerStaff, signedIn } from '../helpers/sign-in.js';

let w: FinancingWorld;
let contracts: { contractNo: string; uscc: string; unpaid: number }[];
let ids: string[];

const hex = (h: string) => Buffer.from(h, 'hex');

async function apply(i: number) {
  const c = contracts[i]!;
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: c.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
    { headers: await w.supplier(c.uscc) },
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const myReads = async (i: number) => (await w.gw.client.get('/api/v1/supplier/data-access', { headers: await w.supplier(contracts[i]!.uscc) })).body.items as {
  leaf_index: number | null;
  leaf_hash: string | null;
}[];

const proofAs = async (who: TestParty | number, leaf: number, treeSize?: number) => {
  const path = `/api/v1/audit/inclusion-proof?leaf_index=${leaf}${treeSize === undefined ? '' : `&tree_size=${treeSize}`}`;
  if (typeof who === 'number') return w.gw.client.get(path, { headers: await w.supplier(contracts[who]!.uscc) });
  return w.as(who, 'GET', path);
};

beforeAll(async () => {
  w = await financingWorld();
  contracts = await w.financeable(2);
  ids = [await apply(0), await apply(1)];
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe(`audit proofs through the API on ${testDatabaseKind}`, () => {
  it('has no head before the sequencer runs, and entries wait with a null leaf', async () => {
    const none = await w.gw.client.get('/api/v1/public/audit/tree-head');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('no_tree_head');
    for (const id of ids) expect((await w.as(w.bank, 'GET', `/api/v1/applications/${id}/contract`)).status).toBe(200);
    expect(await myReads(0)).toMatchObject([{ leaf_index: null, leaf_hash: null }]);
  });

  it('proves a supplier its own read against the signed head, verifiable with the published JWKS', async () => {
    await w.gw.auditTree.sequence();
    const head = await w.gw.client.get('/api/v1/public/audit/tree-head');
    expect(head.status).toBe(200);
    const [mine] = await myReads(0);
    expect(mine!.leaf_index).toEqual(expect.any(Number));

    const proof = await proofAs(0, mine!.leaf_index!);
    expect(proof.status, proof.text).toBe(200);
    expect(proof.body.leaf_hash).toBe(mine!.leaf_hash);
    expect(proof.body.tree_head).toEqual(head.body);
    expect(verifyInclusion(mine!.leaf_index!, head.body.tree_size, hex(mine!.leaf_hash!), proof.body.audit_path.map(hex), hex(head.body.root_hash))).toBe(true);

    const jwks = (await w.gw.client.get('/.well-known/jwks.json')).body as { keys: JWK[] };
    const { payload, protectedHeader } = await compactVerify(head.body.signed_tree_head, createLocalJWKSet(jwks));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'zcd-tree-head+jwt' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ iss: w.gw.issuer, tree_size: head.body.tree_size, root_hash: head.body.root_hash });
  });

  it('lets the bank that read and the bureau over the purchaser see a leaf; everyone else gets the 404 of a missing leaf', async () => {
    const [mine] = await myReads(0);
    const leaf = mine!.leaf_index!;
    expect((await proofAs(w.bank, leaf)).status).toBe(200);
    expect((await proofAs(w.bureau, leaf)).status).toBe(200);

    const missing = await proofAs(0, 999_999);
    expect(missing.status).toBe(404);
    const otherSupplier = await proofAs(1, leaf);
    expect(otherSupplier.status).toBe(404);
    expect(otherSupplier.body).toEqual(missing.body);
    const otherBank = await w.anotherBank();
    expect((await proofAs(otherBank.bank, leaf)).body).toEqual((await proofAs(otherBank.bank, 999_999)).body);
    expect((await proofAs(otherBank.bank, leaf)).status).toBe(404);
    const region = (await w.gw.db('applications').where('id', ids[0]).first('purchaser_region_code')) as { purchaser_region_code: string };
    const elsewhere = (await w.gw.db('regions').where('level', 'league').whereNot('code', `${region.purchaser_region_code.slice(0, 4)}00`).first('code')) as { code: string };
    const farBureau = await seedBureau(w.gw, elsewhere.code);
    expect((await proofAs(farBureau, leaf)).status).toBe(404);

    expect((await w.gw.client.get(`/api/v1/audit/inclusion-proof?leaf_index=${leaf}`)).status).toBe(401);
    expect((await proofAs(0, leaf, 10_000_000)).status).toBe(404);
    for (const bad of ['leaf_index=x', 'leaf_index=-1', 'leaf_index=1&tree_size=0', 'leaf_index=1&extra=1', '']) {
      const res = await w.gw.client.get(`/api/v1/audit/inclusion-proof?${bad}`, { headers: await w.supplier(contracts[0]!.uscc) });
      expect(res.status, bad).toBe(400);
    }
  });

  it('answers people signed in to the portal and the console as it answers their tokens', async () => {
    const [mine] = await myReads(0);
    const path = `/api/v1/audit/inclusion-proof?leaf_index=${mine!.leaf_index}`;
    const sme = await signedIn(w.gw, 'supplier', { uscc: contracts[0]!.uscc });
    const bySession = await sme.client.request('GET', path, {});
    expect(bySession.status, bySession.text).toBe(200);
    expect(bySession.body).toEqual((await proofAs(0, mine!.leaf_index!)).body);
    const otherSme = await signedIn(w.gw, 'supplier', { uscc: contracts[1]!.uscc });
    expect((await otherSme.client.request('GET', path, {})).status).toBe(404);
    await registerStaff(w.gw, '150000', 'audit-viewer', 'viewer');
    const viewer = await signedIn(w.gw, 'staff', { subject: 'audit-viewer' });
    expect((await viewer.client.request('GET', path, {})).status).toBe(200);
  });

  it('proves a bureau the administrative actions it took', async () => {
    const review = (await w.gw.db('admin_audit').where({ actor: w.bureau.clientId }).whereNotNull('leaf_index').first('leaf_index')) as { leaf_index: number | string };
    expect(review).toBeDefined();
    expect((await proofAs(w.bureau, Number(review.leaf_index))).status).toBe(200);
    expect((await proofAs(w.bank, Number(review.leaf_index))).status).toBe(404);
  });

  it('proves that a later head extends an earlier one', async () => {
    const first = (await w.gw.client.get('/api/v1/public/audit/tree-head')).body;
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${ids[1]}/payments`)).status).toBe(200);
    await w.gw.auditTree.sequence();
    const second = (await w.gw.client.get('/api/v1/public/audit/tree-head')).body;
    expect(second.tree_size).toBeGreaterThan(first.tree_size);
    const res = await w.gw.client.get(`/api/v1/public/audit/consistency-proof?first=${first.tree_size}&second=${second.tree_size}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ first_root_hash: first.root_hash, second_root_hash: second.root_hash });
    expect(verifyConsistency(first.tree_size, second.tree_size, hex(first.root_hash), hex(second.root_hash), res.body.consistency_path.map(hex))).toBe(true);

    expect((await w.gw.client.get(`/api/v1/public/audit/consistency-proof?first=${second.tree_size}&second=${first.tree_size}`)).status).toBe(400);
    expect((await w.gw.client.get(`/api/v1/public/audit/consistency-proof?first=1&second=${second.tree_size}`)).status).toBe(404);
    expect((await w.gw.client.get('/api/v1/public/audit/consistency-proof?first=1')).status).toBe(400);
  });
});
