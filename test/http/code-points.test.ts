import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callAs, nextUscc, seedBureau, type TestParty } from '../helpers/auth.js';

// The spec's maxLength counts Unicode code points of the NFC text (conventions, "Text"), on every string of
// every operation: body, query and path. '𠀀' (U+20000) is one code point and two UTF-16 units, so a
// string of maxLength of them is exactly at the bound by the spec and twice past it by JavaScript's length.

const ASTRAL = '\u{20000}';
const astral = (n: number) => ASTRAL.repeat(n);

let gw: TestGateway;
let root: TestParty;

const institution = (name: string) => ({
  name,
  uscc: nextUscc(),
  license_no: 'B0002H215020001',
  type: 'bank',
  regions: ['150102'],
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] },
});

function expectTooLong(res: { status: number; body: { code?: string; errors?: unknown[] } }, where: string, pointer: string): void {
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('validation_failed');
  expect(res.body.errors).toContainEqual(expect.objectContaining({ in: where, pointer, detail: expect.stringContaining('at most') }));
}

beforeAll(async () => {
  gw = await startTestGateway();
  root = await seedBureau(gw, '150000');
});
afterAll(async () => {
  await gw?.close();
});

describe('maxLength in code points', () => {
  it('a body field (createInstitution name, maxLength 200): 200 astral characters are taken, 201 refused', async () => {
    const at = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institution(astral(200)));
    expect(at.status).toBe(201);
    const stored = await callAs(gw, root, 'GET', `/api/v1/admin/institutions/${at.body.client_id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.name).toBe(astral(200));

    const before = await gw.db('institutions').count({ n: '*' });
    const past = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institution(astral(201)));
    expectTooLong(past, 'body', '/name');
    expect(await gw.db('institutions').count({ n: '*' })).toEqual(before);
  });

  it('a body field counts the NFC text: e + U+0301 is one character, é', async () => {
    const at = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institution(`${astral(199)}e\u0301`));
    expect(at.status).toBe(201);
    const stored = await callAs(gw, root, 'GET', `/api/v1/admin/institutions/${at.body.client_id}`);
    expect(stored.body.name).toBe(`${astral(199)}\u00E9`);

    const past = await callAs(gw, root, 'POST', '/api/v1/admin/institutions', institution(`${astral(200)}e\u0301`));
    expectTooLong(past, 'body', '/name');
  });

  it('createBureau name (maxLength 128): 129 astral characters are refused', async () => {
    const past = await callAs(gw, root, 'POST', '/api/v1/admin/bureaus', { region_code: '150200', name: astral(129), jwks: { keys: [] } });
    expectTooLong(past, 'body', '/name');
  });

  it('a query parameter (listAdminAudit action, maxLength 64): 64 astral characters are taken, 65 refused', async () => {
    const at = await callAs(gw, root, 'GET', `/api/v1/admin/audit?action=${encodeURIComponent(astral(64))}`);
    expect(at.status).toBe(200);
    expect(at.body.items).toEqual([]);
    const past = await callAs(gw, root, 'GET', `/api/v1/admin/audit?action=${encodeURIComponent(astral(65))}`);
    expectTooLong(past, 'query', '/action');
  });

  it('a path parameter (getPublicNotice noticeId, maxLength 64): 64 astral characters are looked up, 65 refused', async () => {
    const at = await gw.client.get(`/api/v1/public/notices/${encodeURIComponent(astral(64))}`);
    expect(at.status).toBe(404);
    const past = await gw.client.get(`/api/v1/public/notices/${encodeURIComponent(astral(65))}`);
    expectTooLong(past, 'path', '/noticeId');
  });

  it('a path parameter counts the NFC text: 63 astral characters and e + U+0301 are 64', async () => {
    const at = await gw.client.get(`/api/v1/public/notices/${encodeURIComponent(`${astral(63)}e\u0301`)}`);
    expect(at.status).toBe(404);
  });
});
