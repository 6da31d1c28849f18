import { createDb } from '../../src/db/knex.js';
import { parseDatabaseUrl } from '../../src/config.js';
import { ApiError, type ApiParty } from '../lib/api.js';
import type { ZcdCli } from '../lib/zcd-cli.js';
import type { BenchClient, BenchContext, GatewayUnderTest, NotAvailable } from './scenario.js';
import { notAvailable } from './scenario.js';

/** Contracts the sandbox is seeded with for S1 and S3 (S3 applies once per contract). */
export const FIXTURE_CONTRACTS = 20_000;
/** Suppliers whose contracts the fixture uses. */
const SUPPLIERS = 40;

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

const productInput = {
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

const consent = () => ({
  parts: ['contract', 'acceptances', 'payments', 'risk_flags'],
  expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
});

/** An approved product of `bank`, through createProduct (the bank) and reviewProduct (the bureau). */
async function approvedProduct(gw: GatewayUnderTest, bank: BenchClient): Promise<string> {
  const product = await gw.api.call(bank, 'POST', '/api/v1/products', productInput, 201);
  const id = String(product.id);
  await gw.api.call(gw.bureau, 'POST', `/api/v1/admin/products/${id}/review`, { decision: 'approve', reason: 'bench' }, 200);
  return id;
}

/** Suppliers that have contracts in the synced tables, most contracts first. */
async function suppliersWithContracts(gw: GatewayUnderTest): Promise<string[]> {
  const db = createDb(parseDatabaseUrl(gw.db.url));
  try {
    const rows = (await db('contracts').select('supplier_uscc').count({ n: '*' }).where({ status: 'active' }).groupBy('supplier_uscc').orderBy('n', 'desc').limit(SUPPLIERS)) as { supplier_uscc: string }[];
    return rows.map((r) => r.supplier_uscc);
  } finally {
    await db.destroy();
  }
}

/** A sandbox supplier identity token (`zcd sandbox supplier-token --uscc …`; raw JWS or JSON holding one). */
async function supplierToken(zcd: ZcdCli, uscc: string): Promise<string> {
  const r = await zcd.run(['sandbox', 'supplier-token', '--uscc', uscc]);
  if (r.code !== 0) throw new Error(`zcd sandbox supplier-token failed (${r.code}): ${r.stderr}`);
  const out = r.stdout.trim();
  const jws = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;
  if (out.startsWith('{')) {
    const parsed = JSON.parse(out) as Record<string, unknown>;
    const t = Object.values(parsed).find((v) => typeof v === 'string' && jws.test(v));
    if (typeof t === 'string') return t;
  }
  const m = jws.exec(out);
  if (!m) throw new Error(`zcd sandbox supplier-token printed no token: ${out.slice(0, 200)}`);
  return m[0];
}

interface OpenContract {
  supplier: ApiParty & { bearer: string };
  contractNo: string;
  unpaid: number;
}

/** Financeable contracts of each supplier, through listSupplierContracts. */
async function financeableContracts(gw: GatewayUnderTest, suppliers: (ApiParty & { bearer: string })[]): Promise<OpenContract[]> {
  const out: OpenContract[] = [];
  for (const supplier of suppliers) {
    let pageToken: string | undefined;
    do {
      const q = `?page_size=500${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
      const page = await gw.api.call(supplier, 'GET', `/api/v1/supplier/contracts${q}`, undefined, 200);
      for (const c of page.items as { contract_no: string; unpaid: number; financeable: boolean }[]) {
        if (c.financeable && c.unpaid > 1) out.push({ supplier, contractNo: c.contract_no, unpaid: c.unpaid });
      }
      pageToken = page.next_page_token as string | undefined;
    } while (pageToken);
  }
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
    bearerProduct = await approvedProduct(gw, gw.bank);
    dpopProduct = await approvedProduct(gw, gw.dpopBank);
  } catch (err) {
    if (err instanceof ApiError && err.unavailable) return notAvailable('createProduct/reviewProduct not published (financing, issue 5)');
    throw err;
  }
  const usccs = await suppliersWithContracts(gw);
  if (usccs.length === 0) return notAvailable('the sandbox sync left no active contracts');
  const suppliers: (ApiParty & { bearer: string })[] = [];
  for (let i = 0; i < usccs.length; i += 4) {
    const tokens = await Promise.all(usccs.slice(i, i + 4).map((u) => supplierToken(gw.zcd, u)));
    suppliers.push(...tokens.map((bearer) => ({ bearer })));
  }
  let open: OpenContract[];
  try {
    open = await financeableContracts(gw, suppliers);
  } catch (err) {
    if (err instanceof ApiError && err.unavailable) return notAvailable('listSupplierContracts not published (issue 5)');
    throw err;
  }
  if (open.length < 3) return notAvailable(`only ${open.length} financeable contracts after the sync`);
  const [forBearer, forDpop, ...rest] = open;
  let bearerApplicationId: string;
  let dpopApplicationId: string;
  try {
    bearerApplicationId = String((await gw.api.call(forBearer!.supplier, 'POST', '/api/v1/supplier/applications', applicationBody(forBearer!, bearerProduct), 201)).id);
    dpopApplicationId = String((await gw.api.call(forDpop!.supplier, 'POST', '/api/v1/supplier/applications', applicationBody(forDpop!, dpopProduct), 201)).id);
  } catch (err) {
    if (err instanceof ApiError && err.unavailable) return notAvailable('createApplication not published (issue 5)');
    throw err;
  }
  return {
    bearerApplicationId,
    dpopApplicationId,
    applications: rest.map((c) => ({ supplierToken: c.supplier.bearer, body: JSON.stringify(applicationBody(c, bearerProduct)) })),
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
