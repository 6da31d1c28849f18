import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import type { Knex } from '../../src/db/knex.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js';
import { callAs, onboard, seedBureau, type TestParty } from './auth.js';

/** A gateway on the sandbox cloud with a bureau, a bank, an approved product and synced contracts. */
export interface FinancingWorld {
  gw: TestGateway;
  sandbox: SandboxCloud;
  bureau: TestParty;
  bank: TestParty & { webhookSecret: string };
  productId: string;
  /** Calls an operation as a party with a fresh DPoP-bound token. */
  as(party: TestParty, method: string, path: string, body?: unknown, headers?: Record<string, string>): ReturnType<typeof callAs>;
  /** Headers of a supplier (SME) signed in with the sandbox's identity token. */
  supplier(uscc: string): Promise<Record<string, string>>;
  /** Active contracts with an unpaid balance and no risk flag, each of a different supplier. */
  financeable(n: number, o?: { distinctSuppliers?: boolean }): Promise<{ contractNo: string; uscc: string; unpaid: number }[]>;
  /** Onboards another bank with its own approved product; returns both. */
  anotherBank(): Promise<{ bank: TestParty; productId: string }>;
  close(): Promise<void>;
}

/** A product every sandbox contract in Inner Mongolia qualifies for. */
export const broadProduct = {
  name: '政采贷·通用',
  max_amount: 1_000_000_000, // 1000万 yuan
  max_share_bp: 8000,
  rate_min_bp: 300,
  rate_max_bp: 900,
  term_min_days: 30,
  term_max_days: 365,
  categories: ['goods', 'services', 'works'],
  regions: ['150000'],
};

/** Builds the world; `contracts` sandbox contracts are seeded and synced. */
export async function financingWorld(contracts = 120, o: { webhookUrl?: string; db?: Knex; config?: TestGatewayOptions['config'] } = {}): Promise<FinancingWorld> {
  let sandbox!: SandboxCloud;
  const gw = await startTestGateway({
    cloud: (db) => (sandbox = new SandboxCloud(db)),
    ...(o.db ? { db: o.db } : {}),
    ...(o.config ? { config: o.config } : {}),
  });
  await sandbox.seed(contracts);
  await gw.sync.runOnce();
  const bureau = await seedBureau(gw, '150000');
  const as = (party: TestParty, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    headers ? callWithHeaders(gw, party, method, path, body, headers) : callAs(gw, party, method, path, body);

  const bankWithProduct = async (webhookUrl?: string) => {
    const bank = await onboard(gw, bureau, { regions: ['150000'], ...(webhookUrl ? { webhookUrl } : {}) });
    const created = await as(bank, 'POST', '/api/v1/products', broadProduct);
    if (created.status !== 201) throw new Error(`createProduct: ${created.status} ${created.text}`);
    const reviewed = await as(bureau, 'POST', `/api/v1/admin/products/${created.body.id}/review`, { decision: 'approve', reason: '材料齐全' });
    if (reviewed.status !== 200) throw new Error(`reviewProduct: ${reviewed.status} ${reviewed.text}`);
    return { bank, productId: created.body.id as string };
  };
  const first = await bankWithProduct(o.webhookUrl);

  return {
    gw,
    sandbox,
    bureau,
    bank: first.bank,
    productId: first.productId,
    as,
    async supplier(uscc) {
      return { authorization: `Bearer ${await sandbox.issueSupplierToken({ uscc, audience: gw.issuer })}` };
    },
    async financeable(n, o = {}) {
      const rows = (await gw.db('contracts as c')
        .select('c.contract_no', 'c.supplier_uscc', 'c.amount_fen')
        .sum({ paid: 'p.amount_fen' })
        .leftJoin('payments as p', 'p.contract_no', 'c.contract_no')
        .where('c.status', 'active')
        .whereNotExists(gw.db('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc').whereNull('f.lifted_at'))
        .whereNotExists(gw.db('sandbox_account_behaviour as b').whereRaw('b.contract_no = c.contract_no'))
        .groupBy('c.contract_no', 'c.supplier_uscc', 'c.amount_fen')
        .orderBy('c.contract_no')) as { contract_no: string; supplier_uscc: string; amount_fen: number | string; paid: number | string | null }[];
      const seen = new Set<string>();
      const out: { contractNo: string; uscc: string; unpaid: number }[] = [];
      for (const r of rows) {
        const unpaid = Number(r.amount_fen) - Number(r.paid ?? 0);
        if (unpaid < 2_000_000 || (o.distinctSuppliers !== false && seen.has(r.supplier_uscc))) continue;
        seen.add(r.supplier_uscc);
        out.push({ contractNo: r.contract_no, uscc: r.supplier_uscc, unpaid });
        if (out.length === n) break;
      }
      if (out.length < n) throw new Error(`only ${out.length} financeable contracts in the sandbox`);
      // Every test contract confirms its lock at once unless the test says otherwise.
      for (const c of out) await sandbox.configureAccountChange(c.contractNo, 'confirm');
      return out;
    },
    anotherBank: () => bankWithProduct(),
    close: () => gw.close(),
  };
}

async function callWithHeaders(
  gw: TestGateway,
  party: TestParty,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
) {
  const { getToken, dpopHeaders } = await import('./auth.js');
  const token = await getToken(gw, party);
  return gw.client.request(method, path, { headers: { ...(await dpopHeaders(gw, party, token, method, path.split('?')[0]!)), ...headers }, body });
}

/** A consent valid for `days` from now. */
export const consentFor = (days: number, parts = ['contract', 'acceptances', 'payments', 'risk_flags']) => ({
  parts,
  expires_at: new Date(Date.now() + days * 86_400_000).toISOString(),
});

/** A valid approval of `amount` fen. */
export const approval = (amount: number) => ({
  decision: 'approve',
  amount,
  annual_rate_bp: 450,
  term_days: 180,
  collection_account: { bank_name: '内蒙古测试银行呼和浩特分行', account_name: '内蒙古测试银行政采贷回款专户', account_number: '6222020200112233445' },
});
