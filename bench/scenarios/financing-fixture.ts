import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, type Knex } from '../../src/db/knex.js';
import { parseDatabaseUrl } from '../../src/config.js';
import { ApiError, must, type components, type GatewayClient } from '@zcd-gateway/client';
import type { ZcdCli } from '../lib/zcd-cli.js';
import type { BenchContext, GatewayUnderTest, NotAvailable } from './scenario.js';
import { notAvailable } from './scenario.js';

/**
 * Contracts the sandbox is seeded with for S1 and S3 (S3 applies once per contract). About 45 % of them are
 * financeable; S3 needs one per request for its warm-up and measurement, over 1,000 req/s once createApplication
 * got cheaper, so fewer would run out mid-run and measure refusals instead.
 */
export const FIXTURE_CONTRACTS = 60_000;
/** Contracts S3 may apply for, at most (each once). */
const S3_CONTRACTS = 30_000;

/** What S1, S1d and S3 run on: applications with live consent, and unused contracts to apply for. */
export interface FinancingFixture {
  /** Application addressed to the Bearer bank, consent to `contract` live. */
  bearerApplicationId: string;
  /** Application addressed to the DPoP bank. */
  dpopApplicationId: string;
  /** createApplication requests for S3, each for a different financeable contract. */
  applications: { supplierToken: string; body: string }[];
}

const KEY = 'financing-fixture';
const PREPARED = 'financing-data';

/**
 * Before the gateway starts: seeds the sandbox cloud and syncs it into the run's database
 * (`zcd seed --contracts N && zcd sync`); records why not when this build lacks the commands.
 */
export async function prepareFinancingData(ctx: BenchContext, zcd: ZcdCli): Promise<void> {
  if (!(await zcd.has('seed')) || !(await zcd.has('sync'))) {
    ctx.shared.set(PREPARED, notAvailable('needs `zcd seed` and `zcd sync` (procurement-cloud sandbox, issue 4)'));
    return;
  }
  ctx.progress(`fixture: zcd seed --contracts ${FIXTURE_CONTRACTS} && zcd sync`);
  for (const args of [['seed', '--contracts', String(FIXTURE_CONTRACTS)], ['sync']]) {
    const r = await zcd.run(args);
    if (r.code !== 0) throw new Error(`zcd ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  }
  ctx.shared.set(PREPARED, true);
}

const productInput: components['schemas']['ProductInput'] = {
  name: '政采贷·压测产品',
  max_amount: 2_000_000_000,
  max_share_bp: 8000,
  rate_min_bp: 350,
  rate_max_bp: 800,
  term_min_days: 30,
  term_max_days: 365,
  categories: ['goods', 'services', 'works'],
  regions: ['150000'],
};

const consent = (): { parts: ('contract' | 'acceptances' | 'payments' | 'risk_flags')[]; expires_at: string } => ({
  parts: ['contract', 'acceptances', 'payments', 'risk_flags'],
  expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

/** An approved product of `bank`, through createProduct (the bank) and reviewProduct (the bureau), with the client package. */
async function approvedProduct(gw: GatewayUnderTest, bank: GatewayClient): Promise<string> {
  const product = must(await bank.api.POST('/api/v1/products', { body: productInput }), 'createProduct');
  const path = { productId: product.id };
  must(await gw.clients.bureau.api.POST('/api/v1/admin/products/{productId}/review', { params: { path }, body: { decision: 'approve', reason: 'bench' } }), 'reviewProduct');
  return product.id;
}

/** True when the gateway does not publish the operation (a build before it). */
const unpublished = (err: unknown) => err instanceof ApiError && err.status === 404 && err.code === 'route_not_found';

interface OpenContract {
  uscc: string;
  contractNo: string;
  unpaid: number;
}

/**
 * Financeable contracts in the synced tables (active, unpaid, no live reservation, no open risk flag on the
 * supplier), suppliers interleaved so consecutive S3 requests come from different SMEs.
 */
async function financeableContracts(db: Knex, limit: number): Promise<OpenContract[]> {
  const open = db('contracts as c')
    .select('c.contract_no', 'c.supplier_uscc', 'c.amount_fen')
    .select(db.raw('c.amount_fen - coalesce((select sum(p.amount_fen) from payments p where p.contract_no = c.contract_no), 0) as unpaid'))
    .select(db.raw('row_number() over (partition by c.supplier_uscc order by c.contract_no) as nth'))
    .where('c.status', 'active')
    .whereNotExists(db('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc').whereNull('f.lifted_at'))
    .whereNotExists(db('contract_reservations as r').whereRaw('r.contract_no = c.contract_no'));
  const rows = (await db
    .select('*')
    .from(open.as('o'))
    .where('unpaid', '>', 1)
    .orderBy(['nth', 'supplier_uscc'])
    .limit(limit)) as { contract_no: string; supplier_uscc: string; unpaid: number | string }[];
  return rows.map((r) => ({ uscc: r.supplier_uscc, contractNo: r.contract_no, unpaid: Number(r.unpaid) }));
}

/** A sandbox supplier identity token from the CLI: `zcd sandbox supplier-token --uscc …` prints the compact JWS. */
async function supplierToken(zcd: ZcdCli, uscc: string): Promise<string> {
  const r = await zcd.run(['sandbox', 'supplier-token', '--uscc', uscc]);
  if (r.code !== 0) throw new Error(`zcd sandbox supplier-token failed (${r.code}): ${r.stderr}`);
  const out = r.stdout.trim();
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(out)) throw new Error(`zcd sandbox supplier-token printed no token: ${out.slice(0, 200)}`);
  return out;
}

const applicationBody = (c: OpenContract, productId: string) => ({
  contract_no: c.contractNo,
  product_id: productId,
  requested_amount: Math.max(1, Math.min(Math.floor(c.unpaid / 2), productInput.max_amount)),
  consent: consent(),
});

async function build(ctx: BenchContext): Promise<FinancingFixture | NotAvailable> {
  const gw = ctx.gateway!;
  const prepared = ctx.shared.get(PREPARED) as true | NotAvailable | undefined;
  if (prepared === undefined) throw new Error('prepareFinancingData did not run before the gateway started');
  if (prepared !== true) return prepared;
  if (!(await gw.zcd.has('sandbox', 'supplier-token'))) return notAvailable('needs `zcd sandbox supplier-token` (issue 4)');
  ctx.progress('fixture: products, review, supplier tokens, applications');
  let bearerProduct: string;
  let dpopProduct: string;
  try {
    bearerProduct = await approvedProduct(gw, gw.clients.bank);
    dpopProduct = await approvedProduct(gw, gw.clients.dpopBank);
  } catch (err) {
    if (unpublished(err)) return notAvailable('createProduct/reviewProduct not published (financing, issue 5)');
    throw err;
  }
  const db = createDb(parseDatabaseUrl(gw.db.url));
  let open: OpenContract[];
  let tokens: Map<string, string>;
  try {
    open = await financeableContracts(db, S3_CONTRACTS + 2);
    if (open.length < 3) return notAvailable(`only ${open.length} financeable contracts after the sync`);
    // S1 and S1d's SMEs sign in with the CLI's token; S3's thousands with the same sandbox signer in-process
    // (a process per token would take minutes).
    tokens = new Map();
    for (const c of open.slice(0, 2)) if (!tokens.has(c.uscc)) tokens.set(c.uscc, await supplierToken(gw.zcd, c.uscc));
    const sandbox = new SandboxCloud(db);
    for (const c of open) if (!tokens.has(c.uscc)) tokens.set(c.uscc, await sandbox.issueSupplierToken({ uscc: c.uscc, audience: gw.issuer }));
  } finally {
    await db.destroy();
  }
  // The SME applies with its identity token, through the client package without credentials of its own.
  const apply = async (c: OpenContract, productId: string) =>
    must(
      await gw.clients.anonymous.api.POST('/api/v1/supplier/applications', { headers: { authorization: `Bearer ${tokens.get(c.uscc)!}` }, body: applicationBody(c, productId) }),
      'createApplication',
    ).id;
  const [forBearer, forDpop, ...rest] = open;
  let bearerApplicationId: string;
  let dpopApplicationId: string;
  try {
    bearerApplicationId = await apply(forBearer!, bearerProduct);
    dpopApplicationId = await apply(forDpop!, dpopProduct);
  } catch (err) {
    if (unpublished(err)) return notAvailable('createApplication not published (issue 5)');
    throw err;
  }
  return {
    bearerApplicationId,
    dpopApplicationId,
    applications: rest.map((c) => ({ supplierToken: tokens.get(c.uscc)!, body: JSON.stringify(applicationBody(c, bearerProduct)) })),
  };
}

/** The shared financing fixture, built through the public API on first use (or why it cannot be). */
export async function financingFixture(ctx: BenchContext): Promise<FinancingFixture | NotAvailable> {
  let f = ctx.shared.get(KEY) as Promise<FinancingFixture | NotAvailable> | undefined;
  if (!f) {
    f = build(ctx);
    ctx.shared.set(KEY, f);
  }
  return f;
}
