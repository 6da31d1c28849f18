import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { Webhook } from 'standardwebhooks';
import { ApiError, AuthError, createGatewayClient, eachItem, must, verifyWebhook, WebhookReceiver, WebhookVerificationError, type PrivateJwk } from '@zcd-gateway/client';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../../../test/helpers/financing.js';
import { makeKey, type TestParty } from '../../../test/helpers/auth.js';
import { testDatabaseKind } from '../../../test/helpers/db.js';
import { createDispatcher, type WebhookDispatcher } from '../../../src/features/events/webhook-dispatcher.js';
import { createLogger } from '../../../src/logger.js';

let w: FinancingWorld;
let receiver: WebhookReceiver;
let dispatcher: WebhookDispatcher;
beforeAll(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
  w = await financingWorld(60, { webhookUrl: receiver.url });
  receiver.secret = w.bank.webhookSecret;
  dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 2_000, webhookPollMs: 20 }, createLogger('silent'));
  dispatcher.start();
}, 60_000);
afterAll(async () => {
  await dispatcher?.stop();
  await w?.close();
  await receiver?.stop();
});

const jwkOf = (party: TestParty): PrivateJwk => ({ ...(party.key.privateJwk as PrivateJwk), kid: party.key.kid, alg: party.key.alg });
const bankClient = (o: Partial<Parameters<typeof createGatewayClient>[0]> = {}) =>
  createGatewayClient({ gateway: w.gw.issuer, credentials: { clientId: w.bank.clientId, key: jwkOf(w.bank) }, retryDelayMs: 5, ...o });

/** Requests as they went out, for tests that look at headers. */
type Sent = { method: string; url: string; headers: Headers };
const recording = (sent: Sent[], inner: typeof fetch = fetch): typeof fetch =>
  (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    sent.push({ method: req.method, url: req.url, headers: new Headers(req.headers) });
    return inner(input, init);
  }) as typeof fetch;

const submit = async (contractNo: string, uscc: string, amount = 10_000_000) => {
  const res = await w.gw.client.post(
    '/api/v1/supplier/applications',
    { contract_no: contractNo, product_id: w.productId, requested_amount: amount, consent: consentFor(30) },
    { headers: await w.supplier(uscc) },
  );
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
};

describe(`@zcd-gateway/client against the gateway on ${testDatabaseKind}`, () => {
  it('gets a DPoP-bound token with private_key_jwt and calls as the bank', async () => {
    const sent: Sent[] = [];
    const client = bankClient({ fetch: recording(sent) });
    const me = must(await client.api.GET('/api/v1/institution'));
    expect(me.client_id).toBe(w.bank.clientId);
    const call = sent.find((s) => s.url.endsWith('/api/v1/institution'))!;
    expect(call.headers.get('authorization')).toMatch(/^DPoP /);
    expect(decodeJwt(call.headers.get('dpop')!)).toMatchObject({ htm: 'GET', htu: `${w.gw.issuer}/api/v1/institution` });
    expect(client.auth!.tokensIssued).toBe(1);
    // The token is reused while valid.
    must(await client.api.GET('/api/v1/institution'));
    expect(client.auth!.tokensIssued).toBe(1);
  });

  it('renews the token before it expires', async () => {
    let now = Date.now();
    const client = bankClient({ now: () => now });
    must(await client.api.GET('/api/v1/institution'));
    now += 10 * 60_000;
    must(await client.api.GET('/api/v1/institution'));
    expect(client.auth!.tokensIssued).toBe(2);
  });

  it('retries once with the nonce when the server asks for a DPoP nonce', async () => {
    const proofs: (string | undefined)[] = [];
    let challenged = false;
    const nonceFront: typeof fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      if (req.url.endsWith('/api/v1/institution')) {
        proofs.push(req.headers.get('dpop') ?? undefined);
        if (!challenged) {
          challenged = true;
          return new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="use this nonce"', 'dpop-nonce': 'n-1' } });
        }
      }
      return fetch(input, init);
    }) as typeof fetch;
    const me = must(await bankClient({ fetch: nonceFront }).api.GET('/api/v1/institution'));
    expect(me.client_id).toBe(w.bank.clientId);
    expect(proofs).toHaveLength(2);
    expect(decodeJwt(proofs[0]!).nonce).toBeUndefined();
    expect(decodeJwt(proofs[1]!).nonce).toBe('n-1');
  });

  it('names the refusal when the key is not the registered one', async () => {
    const other = await makeKey('ES256');
    const client = createGatewayClient({ gateway: w.gw.issuer, credentials: { clientId: w.bank.clientId, key: { ...(other.privateJwk as PrivateJwk), kid: w.bank.key.kid, alg: 'ES256' } } });
    const err = await client.api.GET('/api/v1/institution').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).error).toBe('invalid_client');
  });

  it('puts an Idempotency-Key on every write and retries a lost answer with the same key: one effect', async () => {
    const [c] = await w.financeable(1);
    const id = await submit(c!.contractNo, c!.uscc);
    const sent: Sent[] = [];
    let lost = false;
    // The first decision reaches the gateway, but its answer is lost on the way back.
    const lossy: typeof fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!lost && String(input instanceof Request ? input.url : input).endsWith('/decision')) {
        lost = true;
        await res.body?.cancel();
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      }
      return res;
    }) as typeof fetch;
    const client = bankClient({ fetch: recording(sent, lossy) });
    const decided = must(await client.api.POST('/api/v1/applications/{applicationId}/decision', { params: { path: { applicationId: id } }, body: approval(10_000_000) as never }));
    expect(decided.status).toBe('account_locked');
    const decisions = sent.filter((s) => s.url.endsWith('/decision'));
    expect(decisions).toHaveLength(2);
    expect(decisions[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(decisions[1]!.headers.get('idempotency-key')).toBe(decisions[0]!.headers.get('idempotency-key'));
    // One effect: one approval in the application's history.
    const app = must(await client.api.GET('/api/v1/applications/{applicationId}', { params: { path: { applicationId: id } } }));
    expect(app.history.filter((h) => h.to === 'approved')).toHaveLength(1);
    // A read carries no key.
    expect(sent.filter((s) => s.method === 'GET').every((s) => !s.headers.has('idempotency-key'))).toBe(true);
  });

  it('retries a 503 with the same key, and gives up after the set number of retries', async () => {
    let unavailable = 2;
    const keys: (string | null)[] = [];
    const busy: typeof fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      if (req.method === 'POST' && req.url.endsWith('/api/v1/products')) {
        keys.push(req.headers.get('idempotency-key'));
        if (unavailable-- > 0) return new Response('{}', { status: 503, headers: { 'content-type': 'application/problem+json' } });
      }
      return fetch(input, init);
    }) as typeof fetch;
    const client = bankClient({ fetch: busy });
    const product = { name: '政采贷·重试', max_amount: 100_000_000, max_share_bp: 5000, rate_min_bp: 300, rate_max_bp: 600, term_min_days: 30, term_max_days: 180, categories: ['goods'], regions: ['150000'] };
    const created = must(await client.api.POST('/api/v1/products', { body: product as never }));
    expect(created.name).toBe('政采贷·重试');
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);

    unavailable = 10;
    const res = await bankClient({ fetch: busy, retries: 1 }).api.POST('/api/v1/products', { body: product as never });
    expect(res.response.status).toBe(503);
    expect(() => must(res, 'createProduct')).toThrow(ApiError);
  });

  it('names the refused fields in the error it throws, so a one-line log says what to fix', async () => {
    const bad = { name: '政采贷·坏', max_amount: 100_000_000, max_share_bp: 5000, rate_min_bp: -1, rate_max_bp: 600, term_min_days: 30, term_max_days: 180, categories: ['goods'], regions: ['150000'] };
    const res = await bankClient().api.POST('/api/v1/products', { body: bad as never });
    expect(res.response.status).toBe(400);
    expect(() => must(res, 'createProduct')).toThrow(/^createProduct: 400 validation_failed — .+ \(\/rate_min_bp: .+\)$/);
  });

  it('walks every page of a list with an async iterator', async () => {
    const contracts = await w.financeable(3);
    const ids = new Set<string>();
    for (const c of contracts) ids.add(await submit(c.contractNo, c.uscc, 5_000_000));
    const client = bankClient();
    const seen: string[] = [];
    let pages = 0;
    for await (const a of eachItem((page_token) => {
      pages++;
      return client.api.GET('/api/v1/applications', { params: { query: { status: 'submitted', page_size: 1, ...(page_token ? { page_token } : {}) } } });
    })) seen.push(a.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it("verifies the gateway's webhooks with standardwebhooks and refuses a forged or replayed one", async () => {
    const [c] = await w.financeable(1);
    const id = await submit(c!.contractNo, c!.uscc);
    const got = await receiver.waitFor((e) => e.type === 'application.submitted' && e.data.application_id === id, 10_000);
    const original = receiver.requests.find((r) => r.id === got.id)!;
    expect(verifyWebhook(w.bank.webhookSecret, original.headers, original.body).type).toBe('application.submitted');
    expect(() => verifyWebhook(w.bank.webhookSecret, original.headers, original.body.replace('submitted', 'approved'))).toThrow(WebhookVerificationError);
    const forger = new Webhook(`whsec_${Buffer.from('not the secret, not at all').toString('base64')}`);
    const at = new Date();
    const forged = { ...original.headers, 'webhook-signature': forger.sign(got.id, at, original.body), 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
    expect(receiver.handle(forged, original.body)).toBe(400);
    // The same delivery again is acknowledged and not processed twice.
    const before = receiver.events.size;
    expect(receiver.handle(original.headers, original.body)).toBe(204);
    expect(receiver.events.size).toBe(before);
    expect(receiver.replays).toContain(got.id);
  });
});
