import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAdminAuditStore } from '../../src/features/audit/admin-audit-knex-store.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, clientAssertion, dpopProof, getToken, makeKey, nextUscc, onboard, postToken, seedBureau, tokenForm, type TestParty } from '../helpers/auth.js';

let gw: TestGateway;
let root: TestParty;
let hohhot: TestParty;
let baotou: TestParty;
let inHohhot: TestParty;
let inBaotou: TestParty;
let shared: TestParty;
let regionWide: TestParty;

async function createBureauAs(by: TestParty, region: string): Promise<TestParty & { status: number; code?: string }> {
  const key = await makeKey('EdDSA');
  const res = await callAs(gw, by, 'POST', '/api/v1/admin/bureaus', { region_code: region, name: `财政局 ${region}`, jwks: { keys: [key.publicJwk] } });
  return { clientId: res.body.client_id, key, dpopKey: await makeKey('ES256'), status: res.status, code: res.body.code };
}

const institutionBody = (regions: string[], uscc = nextUscc()) => ({
  name: '包商测试银行',
  uscc,
  license_no: 'B0002H215020001',
  type: 'bank',
  regions,
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] },
});

beforeAll(async () => {
  gw = await startTestGateway();
  root = await seedBureau(gw, '150000');
  hohhot = await createBureauAs(root, '150100');
  baotou = await createBureauAs(root, '150200');
  inHohhot = await onboard(gw, root, { regions: ['150102'] });
  inBaotou = await onboard(gw, root, { regions: ['150202'] });
  shared = await onboard(gw, root, { regions: ['150100', '150200'] });
  regionWide = await onboard(gw, root, { regions: ['150000'] });
});
afterAll(async () => {
  await gw?.close();
});

describe('a 盟市 bureau acts only within its subtree', () => {
  it('createBureau: only for regions strictly below its own, one per region', async () => {
    for (const region of ['150200', '150000', '150100', '150202']) {
      const res = await createBureauAs(hohhot, region);
      expect(res.status, region).toBe(403);
      expect(res.code).toBe('outside_region');
    }
    expect((await createBureauAs(hohhot, '150102')).status).toBe(201);
    const again = await createBureauAs(hohhot, '150102');
    expect(again.status).toBe(409);
    expect(again.code).toBe('bureau_exists');
  });

  it('listBureaus: itself and the bureaus below it, nothing else', async () => {
    const res = await callAs(gw, hohhot, 'GET', '/api/v1/admin/bureaus');
    expect(res.status).toBe(200);
    const regions = res.body.items.map((b: { region_code: string }) => b.region_code).sort();
    expect(regions).toEqual(['150100', '150102']);
    const all = await callAs(gw, root, 'GET', '/api/v1/admin/bureaus?page_size=2');
    expect(all.body.items).toHaveLength(2);
    expect(all.body.next_page_token).toBeDefined();
  });

  it('createInstitution: every coverage region inside the subtree; a refusal creates nothing', async () => {
    const before = (await callAs(gw, root, 'GET', '/api/v1/admin/institutions')).body.items.length;
    for (const regions of [['150202'], ['150102', '150202'], ['150000']]) {
      const res = await callAs(gw, hohhot, 'POST', '/api/v1/admin/institutions', institutionBody(regions));
      expect(res.status, regions.join()).toBe(403);
      expect(res.body.code).toBe('outside_region');
    }
    expect((await callAs(gw, root, 'GET', '/api/v1/admin/institutions')).body.items).toHaveLength(before);
    const ok = await callAs(gw, hohhot, 'POST', '/api/v1/admin/institutions', institutionBody(['150102', '150103']));
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('pending');
    expect(ok.body.dpop_required).toBe(true);
    expect(ok.body.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await callAs(gw, hohhot, 'GET', `/api/v1/admin/institutions/${ok.body.client_id}`);
    expect(read.body.webhook_secret).toBeUndefined();
  });

  it('listInstitutions: only institutions serving a region of the subtree', async () => {
    const res = await callAs(gw, hohhot, 'GET', '/api/v1/admin/institutions?page_size=500');
    const ids = res.body.items.map((i: { client_id: string }) => i.client_id);
    expect(ids).toContain(inHohhot.clientId);
    expect(ids).toContain(shared.clientId);
    expect(ids).not.toContain(inBaotou.clientId);
    expect(ids).not.toContain(regionWide.clientId);
    const active = await callAs(gw, hohhot, 'GET', '/api/v1/admin/institutions?status=pending');
    expect(active.body.items.every((i: { status: string }) => i.status === 'pending')).toBe(true);
  });

  it('getInstitution: 404 outside the subtree', async () => {
    expect((await callAs(gw, hohhot, 'GET', `/api/v1/admin/institutions/${inHohhot.clientId}`)).status).toBe(200);
    for (const other of [inBaotou, regionWide]) {
      const res = await callAs(gw, hohhot, 'GET', `/api/v1/admin/institutions/${other.clientId}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('institution_not_found');
    }
    expect((await callAs(gw, baotou, 'GET', `/api/v1/admin/institutions/${inHohhot.clientId}`)).status).toBe(404);
  });

  it('updateInstitutionStatus: 404 outside, 403 when the institution also serves another 盟市', async () => {
    const change = (who: TestParty, id: string) =>
      callAs(gw, who, 'POST', `/api/v1/admin/institutions/${id}/status`, { status: 'suspended', reason: 'inspection' });
    expect((await change(hohhot, inBaotou.clientId)).status).toBe(404);
    expect((await change(hohhot, regionWide.clientId)).status).toBe(404);
    const sharedRes = await change(hohhot, shared.clientId);
    expect(sharedRes.status).toBe(403);
    expect(sharedRes.body.code).toBe('outside_region');
    expect((await callAs(gw, root, 'GET', `/api/v1/admin/institutions/${shared.clientId}`)).body.status).toBe('active');
    const own = await change(hohhot, inHohhot.clientId);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ status: 'suspended', status_reason: 'inspection' });
  });

  it('replaceInstitutionKeys: 404 outside, 403 when shared', async () => {
    const key = await makeKey('ES256');
    const replace = (who: TestParty, id: string) => callAs(gw, who, 'PUT', `/api/v1/admin/institutions/${id}/keys`, { jwks: { keys: [key.publicJwk] } });
    expect((await replace(hohhot, inBaotou.clientId)).status).toBe(404);
    expect((await replace(hohhot, regionWide.clientId)).status).toBe(404);
    expect((await replace(hohhot, shared.clientId)).status).toBe(403);
    expect((await replace(hohhot, inHohhot.clientId)).status).toBe(200);
  });

  it('records every admin action with the acting bureau, time, before and after', async () => {
    const entries = await new KnexAdminAuditStore(gw.db).actionsOn(inHohhot.clientId);
    expect(entries.map((e) => e.action)).toEqual(['createInstitution', 'updateInstitutionStatus', 'updateInstitutionStatus', 'replaceInstitutionKeys']);
    const suspension = entries[2]!;
    expect(suspension.actor).toBe(hohhot.clientId);
    expect(suspension.at).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    expect(suspension.before).toMatchObject({ status: 'active' });
    expect(suspension.after).toMatchObject({ status: 'suspended', statusReason: 'inspection' });
    expect(JSON.stringify(entries)).not.toContain('whsec_');
  });
});

describe('institution lifecycle and input', () => {
  it('refuses transitions the lifecycle does not have, and revoked is terminal', async () => {
    const inst = await onboard(gw, root, { regions: ['150100'], activate: false });
    const set = (status: string) => callAs(gw, root, 'POST', `/api/v1/admin/institutions/${inst.clientId}/status`, { status, reason: 'x' });
    const bad = await set('suspended');
    expect(bad.status).toBe(409);
    expect(bad.body.code).toBe('invalid_status_transition');
    expect((await set('revoked')).status).toBe(200);
    expect((await set('active')).status).toBe(409);
  });

  it('gives a pending institution no token', async () => {
    const inst = await onboard(gw, root, { regions: ['150100'], activate: false });
    const res = await postToken(gw, tokenForm(await clientAssertion(gw, inst)), { DPoP: await dpopProof(inst.dpopKey, 'POST', `${gw.issuer}/oauth2/token`) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it.each([
    ['a USCC with a wrong check character', { uscc: '91150100MA0N0AAA0A' }, '/uscc'],
    ['both jwks and jwks_uri', { jwks_uri: 'https://bank.example/jwks' }, ''],
    ['a private key in the JWKS', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] } }, '/jwks/keys/0'],
    ['an unknown region', { regions: ['159999'] }, '/regions/0'],
    ['an unknown field', { extra: 1 }, ''],
  ])('refuses %s with 400', async (_n, patch, pointer) => {
    const res = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', { ...institutionBody(['150100']), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].pointer).toBe(pointer);
  });

  it('refuses a second institution with the same USCC with 409', async () => {
    const uscc = nextUscc();
    expect((await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institutionBody(['150100'], uscc))).status).toBe(201);
    const dup = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institutionBody(['150200'], uscc));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('institution_exists');
  });

  it('turns DPoP off on request, then issues Bearer tokens', async () => {
    const inst = await onboard(gw, root, { regions: ['150100'], dpopRequired: false });
    const res = await postToken(gw, tokenForm(await clientAssertion(gw, inst)));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    const me = await gw.client.get('/api/v1/institution', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(me.status).toBe(200);
    expect(me.body.dpop_required).toBe(false);
  });
});

describe('key rotation without downtime', () => {
  it('adds the new key, uses it, removes the old; the removed key and its tokens stop at once', async () => {
    const inst = await onboard(gw, root, { regions: ['150100'] });
    const oldToken = await getToken(gw, inst);
    const next = await makeKey('PS256');
    const keysUrl = `/api/v1/admin/institutions/${inst.clientId}/keys`;
    expect((await callAs(gw, root, 'PUT', keysUrl, { jwks: { keys: [inst.key.publicJwk, next.publicJwk] } })).status).toBe(200);
    const rotated: TestParty = { ...inst, key: next };
    const newToken = await getToken(gw, rotated);
    expect((await callAs(gw, inst, 'GET', '/api/v1/institution', undefined, { token: oldToken })).status).toBe(200);

    const done = await callAs(gw, root, 'PUT', keysUrl, { jwks: { keys: [next.publicJwk] } });
    expect(done.body.jwks.keys).toHaveLength(1);
    expect((await callAs(gw, inst, 'GET', '/api/v1/institution', undefined, { token: newToken })).status).toBe(200);
    const stale = await callAs(gw, inst, 'GET', '/api/v1/institution', undefined, { token: oldToken });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('invalid_token');
    const oldAssertion = await postToken(gw, tokenForm(await clientAssertion(gw, inst)), { DPoP: await dpopProof(inst.dpopKey, 'POST', `${gw.issuer}/oauth2/token`) });
    expect(oldAssertion.status).toBe(401);
  });
});
