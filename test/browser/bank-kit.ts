// What the portal's browser tests need besides the browser: banks and a bureau that speak OAuth with the stock
// openid-client library (private_key_jwt, DPoP-bound tokens), onboarded on a running gateway, each with an
// approved product — the other side of the SME's story.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import type { Knex } from '../../src/db/knex.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { KnexClientStore } from '../../src/features/auth/clients-knex-store.js';
import { registeredKeys } from '../../src/features/auth/jwks.js';
import type { BrowserGateway } from './harness.js';

/** A party speaking OAuth with the stock openid-client library: private_key_jwt and DPoP-bound tokens. */
export async function oauthParty(issuer: string, clientId: string, key: { privateKey: CryptoKey; kid: string }) {
  const config = await oidc.discovery(new URL(issuer), clientId, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), {
    algorithm: 'oauth2',
    execute: [oidc.allowInsecureRequests],
  });
  const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const tokens = await oidc.clientCredentialsGrant(config, { scope: clientId.startsWith('bur_') ? 'admin' : 'institution' }, { DPoP: dpop });
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers = new Headers(body === undefined ? {} : { 'content-type': 'application/json' });
    const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(issuer + path), method, body === undefined ? undefined : JSON.stringify(body), headers, { DPoP: dpop });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** One party's calls. */
export type Call = Awaited<ReturnType<typeof oauthParty>>;

/** A fresh ES256 key pair with its public JWK. */
export async function newKey(prefix = 'portal'): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${prefix}-${randomBytes(6).toString('hex')}`;
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** Retries a write that the gateway's own SQLite writers made busy. */
export async function busyRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 40 || !/SQLITE_BUSY|database is locked/.test(String((err as Error).message) + String((err as { code?: string }).code))) throw err;
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
}

/** The body of an answer that must have `status`. */
export function must(res: { status: number; body: Record<string, unknown> }, status: number, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/** The 150000 bureau of the sandbox, given one more key by the operator, as an OAuth party. */
export async function regionBureau(gateway: BrowserGateway, db: Knex): Promise<Call> {
  const bureauRow = (await db('bureaus').where({ region_code: '150000' }).first()) as { client_id: string } | undefined;
  expect(bureauRow, 'the sandbox has the 150000 bureau').toBeDefined();
  const bureauKey = await newKey();
  const clients = new KnexClientStore(db);
  const existing = (await clients.find(bureauRow!.client_id))?.keys ?? [];
  await busyRetry(async () => clients.replaceKeys(bureauRow!.client_id, [...existing, ...(await registeredKeys({ keys: [bureauKey.publicJwk] }))]));
  return oauthParty(gateway.url, bureauRow!.client_id, bureauKey);
}

/** Onboards an active bank for the whole region with one approved product of these terms. */
export async function bankWithProduct(
  gateway: BrowserGateway,
  bureau: Call,
  n: number,
  name: string,
  product: Record<string, unknown>,
): Promise<{ name: string; call: Call; productId: string }> {
  const key = await newKey();
  const onboarded = must(
    await bureau('POST', '/api/v1/admin/institutions', {
      name, uscc: withUsccCheck(`91150100MA${String(1_000_000 + n).padStart(7, '0')}`), license_no: `B000${n}H215010001`, type: 'bank', regions: ['150000'], jwks: { keys: [key.publicJwk] },
    }),
    201,
    'createInstitution',
  );
  const id = String(onboarded.client_id);
  must(await bureau('POST', `/api/v1/admin/institutions/${id}/status`, { status: 'active', reason: 'portal test' }), 200, 'updateInstitutionStatus');
  const call = await oauthParty(gateway.url, id, key);
  const created = must(await call('POST', '/api/v1/products', { categories: ['goods', 'services', 'works'], regions: ['150000'], ...product }), 201, 'createProduct');
  must(await bureau('POST', `/api/v1/admin/products/${String(created.id)}/review`, { decision: 'approve', reason: '材料齐全' }), 200, 'reviewProduct');
  return { name, call, productId: String(created.id) };
}
