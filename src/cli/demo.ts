import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { Webhook } from 'standardwebhooks';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import type { Config } from '../config.js';
import type { Knex } from '../db/knex.js';
import { withUsccCheck } from '../domain/uscc.js';
import { KnexClientStore } from '../features/auth/clients-knex-store.js';
import { registeredKeys } from '../features/auth/jwks.js';
import { createOnboarding } from '../features/institutions/onboarding-module.js';
import { createSyncService } from '../features/sync/sync-module.js';

/** Options of `zcd demo`. */
export interface DemoOptions {
  /** Base URL of the running gateway. */
  gateway: string;
  /** Longest wait for one webhook. */
  waitMs: number;
  /** Where the timeline goes. */
  print: (line: string) => void;
}

type Received = { type: string; data: Record<string, unknown>; at: number };

/** A bank's webhook endpoint on loopback, verifying every delivery with the stock `standardwebhooks` library. */
class DemoReceiver {
  private server: Server | undefined;
  webhook: Webhook | undefined;
  readonly events = new Map<string, Received>();
  refused = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (!this.webhook) throw new Error('no secret yet');
          const event = this.webhook.verify(body, Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))) as Received;
          // The same webhook-id again is a retry: acknowledged, processed once.
          const id = String(req.headers['webhook-id']);
          if (!this.events.has(id)) this.events.set(id, { type: event.type, data: event.data, at: Date.now() });
          res.writeHead(204).end();
        } catch {
          this.refused++;
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  async waitFor(pred: (e: Received) => boolean, ms: number, onIdle?: () => Promise<void>): Promise<Received> {
    const deadline = Date.now() + ms;
    let nudged = false;
    for (;;) {
      const hit = [...this.events.values()].find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no such webhook within ${ms} ms`);
      // Half way through, help a gateway whose sync loop runs rarely.
      if (onIdle && !nudged && Date.now() > deadline - ms / 2) {
        nudged = true;
        await onIdle();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A party speaking OAuth with the stock openid-client library: private_key_jwt and DPoP-bound tokens. */
async function oauthParty(issuer: string, clientId: string, key: { privateKey: CryptoKey; kid: string }) {
  const config = await oidc.discovery(
    new URL(issuer),
    clientId,
    { token_endpoint_auth_method: 'private_key_jwt' },
    oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
    { algorithm: 'oauth2', execute: issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [] },
  );
  const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const tokens = await oidc.clientCredentialsGrant(config, { scope: clientId.startsWith('bur_') ? 'admin' : 'institution' }, { DPoP: dpop });
  return {
    tokenType: tokens.token_type,
    async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
      const headers = new Headers(body === undefined ? {} : { 'content-type': 'application/json' });
      const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(issuer + path), method, body === undefined ? undefined : JSON.stringify(body), headers, { DPoP: dpop });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
}

async function newKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `demo-${randomBytes(6).toString('hex')}`;
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** Retries a write the gateway's own SQLite writers made busy (a WAL snapshot cannot be upgraded mid-transaction). */
async function busyRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 20 || !/SQLITE_BUSY|database is locked/.test(String((err as Error).message) + String((err as { code?: string }).code))) throw err;
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
}

function must(res: { status: number; body: Record<string, unknown> }, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * `zcd demo`: the whole 政采贷 story against a running gateway on the sandbox cloud, as a bank, a bureau and an
 * SME would live it, with a webhook receiver for the bank. Uses the database directly only for what an operator
 * or the sandbox cloud does: the 150000 bureau's key, the SME's identity token and the sandbox clock.
 */
export async function runDemo(db: Knex, config: Config, o: DemoOptions): Promise<void> {
  if (config.upstream.kind !== 'sandbox') throw new Error('zcd demo needs the sandbox cloud (UPSTREAM=sandbox)');
  const started = Date.now();
  const line = (label: string, ms: number, detail = '') =>
    o.print(`${`+${((Date.now() - started) / 1000).toFixed(2)} s`.padStart(9)}  ${`${Math.round(ms)} ms`.padStart(8)}  ${label}${detail ? ` — ${detail}` : ''}`);
  const step = async <T>(label: string, fn: () => Promise<T>, detail?: (t: T) => string): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    line(label, performance.now() - t0, detail?.(out));
    return out;
  };

  const gateway = o.gateway.replace(/\/+$/, '');
  const metadata = (await (await fetch(`${gateway}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
  const issuer = metadata.issuer;
  const sandbox = new SandboxCloud(db);
  const receiver = new DemoReceiver();
  o.print(`zcd demo against ${gateway} (issuer ${issuer})`);
  o.print('     time   latency  step');
  try {
    const hookUrl = await step('bank webhook receiver listening (standardwebhooks)', () => receiver.start(), (u) => u);

    // The autonomous region's bureau, as the operator at the command line: created, or given one more key.
    const bureauKey = await newKey();
    const bureauId = await step('bureau 150000 ready (operator, database)', () => busyRetry(async () => {
      const { bureaus } = createOnboarding(db, { config });
      const existing = await bureaus.byRegion('150000');
      if (!existing) return (await bureaus.create(undefined, { regionCode: '150000', name: '内蒙古自治区财政厅', jwks: { keys: [bureauKey.publicJwk] } })).clientId;
      // One more key beside those of earlier demos, which may still hold tokens.
      const clients = new KnexClientStore(db);
      const registered = (await clients.find(existing.clientId))?.keys ?? [];
      await clients.replaceKeys(existing.clientId, [...registered, ...(await registeredKeys({ keys: [bureauKey.publicJwk] }))]);
      return existing.clientId;
    }), (id) => id);
    const bureau = await step('bureau token (openid-client, private_key_jwt + DPoP)', () => oauthParty(issuer, bureauId, bureauKey), (p) => p.tokenType);

    const bankKey = await step('bank generates its ES256 key', () => newKey(), (k) => k.kid);
    const onboarded = await step('bureau onboards the bank with its webhook URL', async () =>
      must(
        await bureau.call('POST', '/api/v1/admin/institutions', {
          name: '内蒙古演示银行呼和浩特分行',
          uscc: withUsccCheck(`91150100MA${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`),
          license_no: 'B0001H215010001',
          type: 'bank',
          regions: ['150000'],
          jwks: { keys: [bankKey.publicJwk] },
          webhook_url: hookUrl,
        }),
        201,
        'createInstitution',
      ), (b) => String(b.client_id));
    receiver.webhook = new Webhook(String(onboarded.webhook_secret));
    const bankId = String(onboarded.client_id);
    await step('bureau activates the bank', async () => must(await bureau.call('POST', `/api/v1/admin/institutions/${bankId}/status`, { status: 'active', reason: 'demo' }), 200, 'updateInstitutionStatus'));
    const bank = await step('bank token (openid-client, DPoP-bound)', () => oauthParty(issuer, bankId, bankKey), (p) => p.tokenType);
    const product = await step('bank publishes a product', async () =>
      must(
        await bank.call('POST', '/api/v1/products', {
          name: '政采贷·演示', max_amount: 1_000_000_000, max_share_bp: 8000, rate_min_bp: 300, rate_max_bp: 900,
          term_min_days: 30, term_max_days: 365, categories: ['goods', 'services', 'works'], regions: ['150000'],
          // What the portal compares besides the money: no fee, a decision in 2 working days, the money in 3.
          fee_bp: 0, decide_days: 2, disburse_days: 3, requirements: '提供中标通知书和政府采购合同',
        }),
        201,
        'createProduct',
      ), (p) => String(p.id));
    await step('bureau approves the product', async () => must(await bureau.call('POST', `/api/v1/admin/products/${String(product.id)}/review`, { decision: 'approve', reason: '材料齐全' }), 200, 'reviewProduct'));

    // An SME with an unfinanced contract whose acceptance and payments are still to come at the cloud.
    // A contract of its own each run, signed today at the sandbox clock, so the demo runs again and again.
    const contract = await step('the sandbox cloud signs a fresh contract; the gateway syncs it', async () => {
      const sync = createSyncService(db, { cloud: sandbox, pageSize: config.syncPageSize });
      for (let tries = 0; tries < 50; tries++) {
        const c = await busyRetry(() => sandbox.addFreshContract());
        const flagged = await db('supplier_risk_flags').where('supplier_uscc', c.supplier.uscc).first();
        if (flagged) continue;
        await busyRetry(() => sandbox.configureAccountChange(c.contractNo, 'confirm'));
        // The gateway's own sync loop would bring it in too; the operator's nudge makes it now.
        for (let i = 0; i < 20 && !(await db('contracts').where('contract_no', c.contractNo).first()); i++) await busyRetry(() => sync.runOnce());
        return { contract_no: c.contractNo, supplier_uscc: c.supplier.uscc };
      }
      throw new Error('the sandbox made no contract the demo can use in 50 tries');
    }, (r) => `${r.contract_no}, supplier ${r.supplier_uscc}`);
    const sme = { authorization: `Bearer ${await sandbox.issueSupplierToken({ uscc: contract.supplier_uscc, audience: issuer })}` };
    const smeCall = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(gateway + path, { method, headers: { ...sme, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const offers = await step('SME compares offers', async () => must(await smeCall('GET', `/api/v1/supplier/contracts/${contract.contract_no}/offers`), 200, 'listContractOffers'), (b) => `${(b.items as unknown[]).length} offers`);
    const offer = (offers.items as { product_id: string; max_loan: number }[]).find((x) => x.product_id === product.id);
    if (!offer) throw new Error('the demo product is not among the offers');
    const amount = Math.min(offer.max_loan, 50_000_000);
    const applied = await step('SME applies and consents (contract, acceptances, payments, risk flags; 90 days)', async () =>
      must(
        await smeCall('POST', '/api/v1/supplier/applications', {
          contract_no: contract.contract_no,
          product_id: product.id,
          requested_amount: amount,
          consent: { parts: ['contract', 'acceptances', 'payments', 'risk_flags'], expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString() },
        }),
        201,
        'createApplication',
      ), (a) => `application ${String(a.id)}, ${amount} fen`);
    const appId = String(applied.id);
    const t0 = Date.now();
    const of = (type: string) => (e: Received) => e.type === type && e.data.application_id === appId;
    await step('bank receives application.submitted', () => receiver.waitFor(of('application.submitted'), o.waitMs), () => `${Date.now() - t0} ms after applying`);

    await step('bank reads the contract (audited)', async () => must(await bank.call('GET', `/api/v1/applications/${appId}/contract`), 200, 'getApplicationContract'), (c) => `${String(c.amount)} fen, unpaid ${String(c.unpaid)}`);
    await step('bank starts its review', async () => must(await bank.call('POST', `/api/v1/applications/${appId}/review`, {}), 200, 'reviewApplication'));
    const decided = await step('bank approves and names the collection account', async () =>
      must(
        await bank.call('POST', `/api/v1/applications/${appId}/decision`, {
          decision: 'approve', amount, annual_rate_bp: 450, term_days: 180,
          collection_account: { bank_name: '内蒙古演示银行呼和浩特分行', account_name: '内蒙古演示银行政采贷回款专户', account_number: '6222020200112233445' },
        }),
        200,
        'decideApplication',
      ), (a) => String(a.status));
    const t1 = Date.now();
    await step('bank receives account_lock.confirmed', () => receiver.waitFor(of('account_lock.confirmed'), o.waitMs), () => `${Date.now() - t1} ms after approving (status ${String(decided.status)})`);
    await step('bank disburses', async () => must(await bank.call('POST', `/api/v1/applications/${appId}/disbursements`, { loan_no: `ZCD-DEMO-${appId.slice(0, 8)}`, amount, disbursed_on: new Date().toISOString().slice(0, 10) }), 200, 'recordDisbursement'));
    await step('bank receives financing.disbursed', () => receiver.waitFor(of('financing.disbursed'), o.waitMs));

    // The cloud's clock moves: the purchaser accepts, the treasury pays; the gateway's sync brings it in.
    const sync = createSyncService(db, { cloud: sandbox, pageSize: config.syncPageSize });
    const nudge = async () => {
      await busyRetry(() => sync.runOnce());
    };
    let advanced = 0;
    // Straight to the contract's next change at the cloud, so the demo never waits for nothing.
    const advanceUntil = async (type: string) => {
      const t = Date.now();
      while (![...receiver.events.values()].some(of(type))) {
        const due = (await sandbox.pendingFor(contract.contract_no)).nextDue;
        if (due === undefined) {
          // Everything is published: what is still to come is on its way through sync and dispatch.
          await receiver.waitFor(of(type), o.waitMs, nudge);
          break;
        }
        const ms = Math.max(0, due - (await sandbox.clock()));
        await busyRetry(() => sandbox.advanceClock(ms));
        advanced += ms / 86_400_000;
        await receiver.waitFor((e) => of(type)(e) || e.data.contract_no === contract.contract_no && e.at >= t, o.waitMs, nudge).catch(() => undefined);
      }
      return Date.now() - t;
    };
    await step('sandbox clock advances: the purchaser accepts → acceptance.recorded', () => advanceUntil('acceptance.recorded'), () => `after ${Math.round(advanced)} sandbox days`);
    await step('the treasury pays → payment.received', () => advanceUntil('payment.received'), () => {
      const p = [...receiver.events.values()].find(of('payment.received'))!.data;
      return `${JSON.stringify(p.payment)}; contract unpaid ${String(p.contract_unpaid)}, loan outstanding ${String(p.loan_outstanding)}`;
    });
    await step('bank records the repayment', async () => must(await bank.call('POST', `/api/v1/applications/${appId}/repayments`, { amount, repaid_on: new Date().toISOString().slice(0, 10) }), 200, 'recordRepayment'));
    await step('bank settles', async () => must(await bank.call('POST', `/api/v1/applications/${appId}/settlement`, { settled_on: new Date().toISOString().slice(0, 10) }), 200, 'settleFinancing'), (a) => String(a.status));
    await step('bank receives financing.settled', () => receiver.waitFor(of('financing.settled'), o.waitMs));
    // The bank was the demo's own: suspended at the end, so the public catalogue lists no copies of it.
    await step('bureau suspends the demo bank (the catalogue keeps no copies)', async () =>
      must(await bureau.call('POST', `/api/v1/admin/institutions/${bankId}/status`, { status: 'suspended', reason: 'zcd demo finished' }), 200, 'updateInstitutionStatus'));
    const types = [...receiver.events.values()].filter((e) => e.data.application_id === appId).map((e) => e.type);
    o.print(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${types.length} verified webhooks (${types.join(', ')}); ${receiver.refused} refused`);
    if (receiver.refused > 0) throw new Error(`${receiver.refused} deliveries failed verification`);
  } finally {
    await receiver.stop();
  }
}
