import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { accessTokenHash } from '../../src/features/auth/dpop.js';
import { createOnboarding } from '../../src/features/institutions/onboarding-module.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import type { TestGateway } from './gateway.js';

/** A clock a test sets and advances. */
export class TestClock {
  constructor(public current = new Date()) {}
  readonly now = (): Date => new Date(this.current.getTime());
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
  get epoch(): number {
    return Math.floor(this.current.getTime() / 1000);
  }
}

/** A signing key pair with its public JWK (carrying `kid`). */
export interface TestKey {
  alg: 'ES256' | 'PS256' | 'EdDSA' | 'RS256';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** Makes a key pair. */
export async function makeKey(alg: TestKey['alg'] = 'ES256', kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid }, privateJwk: { ...(await exportJWK(privateKey)), kid } };
}

/** A client as a test drives it. */
export interface TestParty {
  clientId: string;
  key: TestKey;
  /** The key DPoP proofs are signed with. */
  dpopKey: TestKey;
}

/** Builds a client assertion; `claims` and `header` override the correct ones (undefined deletes). */
export async function clientAssertion(
  gw: TestGateway,
  party: TestParty,
  o: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey | Uint8Array; now?: number } = {},
): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: party.clientId,
    sub: party.clientId,
    aud: gw.issuer,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...o.claims,
  };
  const header: Record<string, unknown> = { alg: party.key.alg, kid: party.key.kid, ...o.header };
  return new SignJWT(strip(claims) as JWTPayload).setProtectedHeader(strip(header) as { alg: string }).sign(o.key ?? party.key.privateKey);
}

/** Builds a DPoP proof; `claims` and `header` override the correct ones (undefined deletes). */
export async function dpopProof(
  key: TestKey,
  htm: string,
  htu: string,
  o: { accessToken?: string; claims?: Record<string, unknown>; header?: Record<string, unknown>; signWith?: CryptoKey; now?: number } = {},
): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const claims = { htm, htu, iat: now, jti: randomUUID(), ...(o.accessToken ? { ath: accessTokenHash(o.accessToken) } : {}), ...o.claims };
  const header = { alg: key.alg, typ: 'dpop+jwt', jwk: stripKid(key.publicJwk), ...o.header };
  return new SignJWT(strip(claims) as JWTPayload).setProtectedHeader(strip(header) as { alg: string }).sign(o.signWith ?? key.privateKey);
}

const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const stripKid = (jwk: JWK): JWK => {
  const { kid: _kid, ...rest } = jwk;
  return rest;
};

/** A token request as a form body. */
export function tokenForm(assertion: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    ...extra,
  }).toString();
}

/** Posts a token request. */
export function postToken(gw: TestGateway, form: string, headers: Record<string, string> = {}) {
  return gw.client.request('POST', '/oauth2/token', {
    raw: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** Gets an access token for `party`, DPoP-bound unless `dpop` is false. */
export async function getToken(gw: TestGateway, party: TestParty, o: { dpop?: boolean; now?: number } = {}): Promise<string> {
  const now = o.now;
  const headers: Record<string, string> = o.dpop === false ? {} : { DPoP: await dpopProof(party.dpopKey, 'POST', `${gw.issuer}/oauth2/token`, { ...(now ? { now } : {}) }) };
  const res = await postToken(gw, tokenForm(await clientAssertion(gw, party, now ? { now } : {})), headers);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** Headers for a resource request with a DPoP-bound token. */
export async function dpopHeaders(gw: TestGateway, party: TestParty, token: string, method: string, path: string, now?: number) {
  return {
    authorization: `DPoP ${token}`,
    dpop: await dpopProof(party.dpopKey, method, gw.issuer + path, { accessToken: token, ...(now ? { now } : {}) }),
  };
}

/** Calls an operation as `party` with a fresh DPoP-bound token. */
export async function callAs(
  gw: TestGateway,
  party: TestParty,
  method: string,
  path: string,
  body?: unknown,
  o: { now?: number; token?: string } = {},
) {
  const token = o.token ?? (await getToken(gw, party, o.now ? { now: o.now } : {}));
  return gw.client.request(method, path, { headers: await dpopHeaders(gw, party, token, method, path.split('?')[0]!, o.now), body });
}

/** Registers a bureau directly (as the CLI operator would). */
export async function seedBureau(gw: TestGateway, regionCode: string, name = `bureau ${regionCode}`): Promise<TestParty> {
  const key = await makeKey('ES256');
  const { bureaus } = createOnboarding(gw.db, { config: { jwksUriAllowPrivate: true } });
  const bureau = await bureaus.create(undefined, { regionCode, name, jwks: { keys: [key.publicJwk] } });
  return { clientId: bureau.clientId, key, dpopKey: await makeKey('ES256') };
}

let usccCounter = 0;
/** A valid USCC, different on every call. */
export function nextUscc(): string {
  usccCounter += 1;
  return withUsccCheck(`91150100MA${String(usccCounter + process.pid * 100).padStart(7, '0').slice(-7)}`);
}

/** Onboards and activates an institution through the API as `bureau`. */
export async function onboard(
  gw: TestGateway,
  bureau: TestParty,
  o: { regions?: string[]; alg?: TestKey['alg']; dpopRequired?: boolean; activate?: boolean; now?: number; webhookUrl?: string } = {},
): Promise<TestParty & { webhookSecret: string }> {
  const key = await makeKey(o.alg ?? 'ES256');
  const created = await callAs(gw, bureau, 'POST', '/api/v1/admin/institutions', {
    name: '内蒙古测试银行',
    uscc: nextUscc(),
    license_no: 'B0001H215010001',
    type: 'bank',
    regions: o.regions ?? ['150100'],
    jwks: { keys: [key.publicJwk] },
    ...(o.dpopRequired === false ? { dpop_required: false } : {}),
    ...(o.webhookUrl ? { webhook_url: o.webhookUrl } : {}),
  }, o.now ? { now: o.now } : {});
  if (created.status !== 201) throw new Error(`onboarding failed: ${created.status} ${created.text}`);
  const clientId = created.body.client_id as string;
  if (o.activate !== false) {
    const activated = await callAs(gw, bureau, 'POST', `/api/v1/admin/institutions/${clientId}/status`, { status: 'active', reason: 'approved' }, o.now ? { now: o.now } : {});
    if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${activated.text}`);
  }
  return { clientId, key, dpopKey: await makeKey('ES256'), webhookSecret: created.body.webhook_secret as string };
}
