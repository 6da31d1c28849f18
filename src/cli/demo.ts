import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createGatewayClient, must, type GatewayClient, type PrivateJwk, type ReceivedEvent } from '@zcd-gateway/client';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import type { Config } from '../config.js';
import type { Knex } from '../db/knex.js';
import { withUsccCheck } from '../domain/uscc.js';
import { KnexClientStore } from '../features/auth/clients-knex-store.js';
import { registeredKeys } from '../features/auth/jwks.js';
import { createOnboarding } from '../features/institutions/onboarding-module.js';
import { createSyncService } from '../features/sync/sync-module.js';
import { BankSim, DEFAULT_RULES } from './bank-sim.js';

/** Options of `zcd demo`. */
export interface DemoOptions {
  /** Base URL of the running gateway. */
  gateway: string;
  /** Longest wait for one webhook. */
  waitMs: number;
  /** Where the timeline goes. */
  print: (line: string) => void;
}

async function newKey(): Promise<{ privateJwk: PrivateJwk; publicJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `demo-${randomBytes(6).toString('hex')}`;
  return { privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' } as PrivateJwk, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** A party of the demo with the client package: private_key_jwt and DPoP-bound tokens, a first token fetched. */
async function party(gateway: string, clientId: string, key: PrivateJwk): Promise<GatewayClient> {
  const client = createGatewayClient({ gateway, credentials: { clientId, key } });
  await client.auth!.accessToken();
  return client;
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

function expectStatus(res: { status: number; body: Record<string, unknown> }, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * `zcd demo`: the whole 政采贷 story against a running gateway on the sandbox cloud, as a bank, a bureau and an
 * SME would live it. The bank is `zcd bank-sim` (the client package, over HTTP only: its webhooks, its rules).
 * The database is used only for what an operator or the sandbox cloud does: the 150000 bureau's key, the
 * SME's identity token and the sandbox clock.
 */
export async function runDemo(db: Knex, config: Config, o: DemoOptions): Promise<void> {
  if (config.upstream.kind !== 'sandbox') throw new Error('zcd demo needs the sandbox cloud (UPSTREAM=sandbox)');
  const started = Date.now();
  const stamp = () => `+${((Date.now() - started) / 1000).toFixed(2)} s`.padStart(9);
  const line = (label: string, ms: number, detail = '') => o.print(`${stamp()}  ${`${Math.round(ms)} ms`.padStart(8)}  ${label}${detail ? ` — ${detail}` : ''}`);
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
  let sim: BankSim | undefined;
  o.print(`zcd demo against ${gateway} (issuer ${issuer})`);
  o.print('     time   latency  step');
  try {
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
    const bureau = await step('bureau token (@zcd-gateway/client: private_key_jwt + DPoP)', () => party(gateway, bureauId, bureauKey.privateJwk), (c) => (c.auth!.dpopBound ? 'DPoP' : 'Bearer'));

    const bankKey = await step('bank generates its ES256 key', () => newKey(), (k) => k.kid);
    const onboarded = await step('bureau onboards the bank', async () =>
      must(
        await bureau.api.POST('/api/v1/admin/institutions', {
          body: {
            name: '内蒙古演示银行呼和浩特分行',
            uscc: withUsccCheck(`91150100MA${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`),
            license_no: 'B0001H215010001',
            type: 'bank',
            regions: ['150000'],
            jwks: { keys: [bankKey.publicJwk as never] },
            dpop_required: true,
          },
        }),
        'createInstitution',
      ), (b) => b.client_id);
    const bankId = onboarded.client_id;
    await step('bureau activates the bank', async () =>
      must(await bureau.api.POST('/api/v1/admin/institutions/{client_id}/status', { params: { path: { client_id: bankId } }, body: { status: 'active', reason: 'demo' } }), 'updateInstitutionStatus'));
    const bank = await step('bank token (DPoP-bound)', () => party(gateway, bankId, bankKey.privateJwk), (c) => (c.auth!.dpopBound ? 'DPoP' : 'Bearer'));
    // The bank's side from here on is zcd bank-sim: its webhook receiver, its rules, its calls.
    sim = new BankSim({ client: bank, secret: onboarded.webhook_secret, rules: { ...DEFAULT_RULES, max_amount: 1_000_000_000 }, print: (l) => o.print(`${stamp()}            ${l}`) });
    const hookUrl = await step('bank-sim webhook receiver listening (standardwebhooks)', () => sim!.listen({ host: '127.0.0.1', port: 0, path: '/webhooks' }), (u) => u);
    await step('bureau registers the bank\'s webhook URL', async () => {
      const registered = await bureau.api.PATCH('/api/v1/admin/institutions/{client_id}', { params: { path: { client_id: bankId } }, body: { webhook_url: hookUrl } });
      if (registered.response.status === 400) {
        // The receiver is plain http on loopback, which a gateway refuses unless told it is a sandbox.
        throw new Error(`the gateway refused the demo's webhook URL ${hookUrl}: start it with WEBHOOK_ALLOW_PRIVATE=true (see the README's demo section)`);
      }
      return must(registered, 'updateInstitution');
    });
    const product = await step('bank publishes a product', async () =>
      must(
        await bank.api.POST('/api/v1/products', {
          body: {
            name: '政采贷·演示', max_amount: 1_000_000_000, max_share_bp: 8000, rate_min_bp: 300, rate_max_bp: 900,
            term_min_days: 30, term_max_days: 365, categories: ['goods', 'services', 'works'], regions: ['150000'],
            // What the portal compares besides the money: no fee, a decision in 2 working days, the money in 3.
            fee_bp: 0, decide_days: 2, disburse_days: 3, requirements: '提供中标通知书和政府采购合同',
          },
        }),
        'createProduct',
      ), (p) => p.id);
    await step('bureau approves the product', async () =>
      must(await bureau.api.POST('/api/v1/admin/products/{productId}/review', { params: { path: { productId: product.id } }, body: { decision: 'approve', reason: '材料齐全' } }), 'reviewProduct'));

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
    const offers = await step('SME compares offers', async () => expectStatus(await smeCall('GET', `/api/v1/supplier/contracts/${contract.contract_no}/offers`), 200, 'listContractOffers'), (b) => `${(b.items as unknown[]).length} offers`);
    const offer = (offers.items as { product_id: string; max_loan: number }[]).find((x) => x.product_id === product.id);
    if (!offer) throw new Error('the demo product is not among the offers');
    const amount = Math.min(offer.max_loan, 50_000_000);
    const applied = await step('SME applies and consents (contract, acceptances, payments, risk flags; 90 days)', async () =>
      expectStatus(
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
    const receiver = sim.receiver;
    const of = (type: string) => (e: ReceivedEvent) => e.type === type && e.data.application_id === appId;
    const t0 = Date.now();
    await step('bank receives application.submitted', () => receiver.waitFor(of('application.submitted'), o.waitMs), () => `${Date.now() - t0} ms after applying`);
    await step('bank-sim reads the contract (audited) and decides by its rules', () => sim!.waitFor(appId, 'approved', o.waitMs), (a) => a.detail);
    await step('bank receives account_lock.confirmed', () => receiver.waitFor(of('account_lock.confirmed'), o.waitMs), () => `${Date.now() - t0} ms after applying`);
    await step('bank-sim disburses', () => sim!.waitFor(appId, 'disbursed', o.waitMs), (a) => a.detail);
    await step('bank receives financing.disbursed', () => receiver.waitFor(of('financing.disbursed'), o.waitMs));

    // The cloud's clock moves: the purchaser accepts, the treasury pays; the gateway's sync brings it in.
    const sync = createSyncService(db, { cloud: sandbox, pageSize: config.syncPageSize });
    const nudge = async () => {
      await busyRetry(() => sync.runOnce());
    };
    let advanced = 0;
    /** Waits for `done`, nudging the gateway's sync half way through (for a gateway whose loop runs rarely). */
    const waitNudged = async (done: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      let nudged = false;
      while (!done()) {
        if (Date.now() > deadline) return false;
        if (!nudged && Date.now() > deadline - ms / 2) {
          nudged = true;
          await nudge();
        }
        await receiver.next(50);
      }
      return true;
    };
    // Straight to the contract's next change at the cloud, so the demo never waits for nothing.
    const advanceUntil = async (done: () => boolean, what: string) => {
      const t = Date.now();
      while (!done()) {
        const due = (await sandbox.pendingFor(contract.contract_no)).nextDue;
        if (due === undefined) {
          // Everything is published: what is still to come is on its way through sync and dispatch.
          if (!(await waitNudged(done, o.waitMs))) throw new Error(`no ${what} within ${o.waitMs} ms`);
          break;
        }
        const ms = Math.max(0, due - (await sandbox.clock()));
        await busyRetry(() => sandbox.advanceClock(ms));
        advanced += ms / 86_400_000;
        const seen = receiver.events.size;
        await waitNudged(() => done() || [...receiver.events.values()].slice(seen).some((e) => e.data.contract_no === contract.contract_no), o.waitMs);
      }
      return Date.now() - t;
    };
    const has = (type: string) => () => [...receiver.events.values()].some(of(type));
    await step('sandbox clock advances: the purchaser accepts → acceptance.recorded', () => advanceUntil(has('acceptance.recorded'), 'acceptance.recorded'), () => `after ${Math.round(advanced)} sandbox days`);
    await step('the treasury pays → payment.received', () => advanceUntil(has('payment.received'), 'payment.received'), () => {
      const p = receiver.ofType('payment.received').find(of('payment.received'))!.data;
      return `${JSON.stringify(p.payment)}; contract unpaid ${String(p.contract_unpaid)}, loan outstanding ${String(p.loan_outstanding)}`;
    });
    const settled = () => sim!.actions.some((a) => a.applicationId === appId && a.action === 'settled') || sim!.actions.some((a) => a.applicationId === appId && a.action === 'failed');
    await step('bank-sim reports repayment from each payment and settles', async () => {
      await advanceUntil(settled, 'settlement');
      return sim!.waitFor(appId, 'settled', o.waitMs);
    }, (a) => a.detail);
    await step('bank receives financing.settled', () => receiver.waitFor(of('financing.settled'), o.waitMs));
    // The bank was the demo's own: suspended at the end, so the public catalogue lists no copies of it.
    await step('bureau suspends the demo bank (the catalogue keeps no copies)', async () =>
      must(await bureau.api.POST('/api/v1/admin/institutions/{client_id}/status', { params: { path: { client_id: bankId } }, body: { status: 'suspended', reason: 'zcd demo finished' } }), 'updateInstitutionStatus'));
    const types = [...receiver.events.values()].filter((e) => e.data.application_id === appId).map((e) => e.type);
    o.print(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${types.length} verified webhooks (${types.join(', ')}); ${receiver.rejected} refused`);
    if (receiver.rejected > 0) throw new Error(`${receiver.rejected} deliveries failed verification`);
  } finally {
    await sim?.stop();
  }
}
