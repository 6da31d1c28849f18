import type { Knex } from 'knex';
import { PreparedStatements } from '../../db/prepared.js';
import type { ApplicationStatus } from './lifecycle.js';
import type {
  Application,
  ApplicationAccess,
  ApplicationQuery,
  ConsentPart,
  ContractCategory,
  DataAccessEntry,
  Product,
  Transition,
} from './financing-store.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const list = <T extends string>(v: string): T[] => (v ? (v.split(',') as T[]) : []);

interface ProductRow {
  id: string;
  institution_id: string;
  name: string;
  max_amount_fen: number | string;
  max_share_bp: number;
  rate_min_bp: number;
  rate_max_bp: number;
  term_min_days: number;
  term_max_days: number;
  categories: string;
  status: string;
  review_reason: string | null;
  created_at: number | string;
  updated_at: number | string;
}

type ApplicationRow = Record<string, unknown> & { id: string };

function toApplication(r: ApplicationRow): Application {
  return {
    id: r.id,
    contractNo: r.contract_no as string,
    supplierUscc: r.supplier_uscc as string,
    supplierName: r.supplier_name as string,
    supplierIsSme: Boolean(r.supplier_is_sme),
    institutionId: r.institution_id as string,
    productId: r.product_id as string,
    purchaserRegionCode: r.purchaser_region_code as string,
    requestedAmountFen: num(r.requested_amount_fen),
    status: r.status as ApplicationStatus,
    approvedAmountFen: numOrNull(r.approved_amount_fen),
    annualRateBp: numOrNull(r.annual_rate_bp),
    termDays: numOrNull(r.term_days),
    account: r.account_number
      ? {
          bankName: r.account_bank_name as string,
          accountName: r.account_name as string,
          accountNumber: r.account_number as string,
        }
      : null,
    lockRef: (r.lock_ref as string | null) ?? null,
    loanNo: (r.loan_no as string | null) ?? null,
    disbursedFen: num(r.disbursed_fen),
    repaidFen: num(r.repaid_fen),
    consentParts: list<ConsentPart>(r.consent_parts as string),
    consentExpiresAt: num(r.consent_expires_at),
    consentRevokedAt: numOrNull(r.consent_revoked_at),
    reasonCode: (r.reason_code as string | null) ?? null,
    decidedAt: numOrNull(r.decided_at),
    disbursedAt: numOrNull(r.disbursed_at),
    settledAt: numOrNull(r.settled_at),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** The columns of a product that change over its life. */
function productColumns(p: Product) {
  return {
    name: p.name,
    max_amount_fen: p.maxAmountFen,
    max_share_bp: p.maxShareBp,
    rate_min_bp: p.rateMinBp,
    rate_max_bp: p.rateMaxBp,
    term_min_days: p.termMinDays,
    term_max_days: p.termMaxDays,
    categories: p.categories.join(','),
    status: p.status,
    review_reason: p.reviewReason,
    updated_at: p.updatedAt,
  };
}

/** Column values for the fields of an application a transition may change. */
export type ApplicationChanges = Partial<{
  approved_amount_fen: number;
  annual_rate_bp: number;
  term_days: number;
  account_bank_name: string;
  account_name: string;
  account_number: string;
  lock_ref: string;
  loan_no: string;
  disbursed_fen: number;
  repaid_fen: number;
  consent_revoked_at: number;
  reason_code: string;
  decided_at: number;
  disbursed_at: number;
  settled_at: number;
}>;

/** Products, applications, reservations and the data-access audit chain in SQLite or PostgreSQL. */
export class KnexFinancingStore {
  private readonly statements: PreparedStatements;

  constructor(readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  /** Runs `fn` with a store bound to one transaction. */
  transaction<T>(fn: (store: KnexFinancingStore) => Promise<T>): Promise<T> {
    return withTransactionRetry(this.db, (trx) => fn(new KnexFinancingStore(trx)));
  }

  // Products

  async insertProduct(p: Product): Promise<void> {
    await this.db('products').insert({ id: p.id, institution_id: p.institutionId, created_at: p.createdAt, ...productColumns(p) });
    await this.db('product_regions').insert(p.regions.map((region_code) => ({ product_id: p.id, region_code })));
  }

  async saveProduct(p: Product): Promise<void> {
    await this.db('products').where({ id: p.id }).update(productColumns(p));
    await this.db('product_regions').where({ product_id: p.id }).delete();
    await this.db('product_regions').insert(p.regions.map((region_code) => ({ product_id: p.id, region_code })));
  }

  async getProduct(id: string): Promise<Product | undefined> {
    const row = await this.db<ProductRow>('products').where({ id }).first();
    if (!row) return undefined;
    return (await this.withRegions([row]))[0];
  }

  /** Products by owner or by served region, oldest first after the cursor id. */
  async listProducts(q: {
    institutionId?: string;
    regionCodes?: readonly string[];
    status?: Product['status'];
    categories?: ContractCategory;
    afterId?: string;
    limit: number;
  }): Promise<Product[]> {
    const query = this.db<ProductRow>('products').select('products.*').orderBy('products.id').limit(q.limit);
    if (q.institutionId !== undefined) query.where('institution_id', q.institutionId);
    if (q.status !== undefined) query.where('status', q.status);
    if (q.afterId !== undefined) query.where('products.id', '>', q.afterId);
    if (q.regionCodes !== undefined) {
      query.whereIn(
        'products.id',
        this.db('product_regions').select('product_id').whereIn('region_code', [...q.regionCodes]),
      );
    }
    return this.withRegions(await query);
  }

  private async withRegions(rows: ProductRow[]): Promise<Product[]> {
    if (!rows.length) return [];
    const regions = await this.db('product_regions')
      .select('product_id', 'region_code')
      .whereIn(
        'product_id',
        rows.map((r) => r.id),
      )
      .orderBy('region_code');
    return rows.map((r) => ({
      id: r.id,
      institutionId: r.institution_id,
      name: r.name,
      maxAmountFen: num(r.max_amount_fen),
      maxShareBp: r.max_share_bp,
      rateMinBp: r.rate_min_bp,
      rateMaxBp: r.rate_max_bp,
      termMinDays: r.term_min_days,
      termMaxDays: r.term_max_days,
      categories: list<ContractCategory>(r.categories),
      regions: regions.filter((x) => x.product_id === r.id).map((x) => x.region_code as string),
      status: r.status as Product['status'],
      reviewReason: r.review_reason,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    }));
  }

  // Applications

  async insertApplication(a: Application, transition: Transition): Promise<void> {
    await this.db('applications').insert({
      id: a.id,
      contract_no: a.contractNo,
      supplier_uscc: a.supplierUscc,
      supplier_name: a.supplierName,
      supplier_is_sme: a.supplierIsSme,
      institution_id: a.institutionId,
      product_id: a.productId,
      purchaser_region_code: a.purchaserRegionCode,
      requested_amount_fen: a.requestedAmountFen,
      status: a.status,
      consent_parts: a.consentParts.join(','),
      consent_expires_at: a.consentExpiresAt,
      created_at: a.createdAt,
      updated_at: a.updatedAt,
    });
    await this.insertTransition(a.id, transition);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const row = await this.statements.get<ApplicationRow>('select * from applications where id = ?', [id]);
    return row ? toApplication(row) : undefined;
  }

  /**
   * On every bank read of a contract part: nine columns as an array row from a prepared statement. The
   * whole 29-column row as an object cost about three times as much on SQLite, most of it building the object.
   */
  async getApplicationAccess(id: string): Promise<ApplicationAccess | undefined> {
    const [r] = await this.statements.rows<[string, string, string, string, string, ApplicationStatus, string, number | string, number | string | null]>(
      `select id, contract_no, supplier_uscc, institution_id, purchaser_region_code, status, consent_parts, consent_expires_at, consent_revoked_at
         from applications where id = ?`,
      [id],
    );
    if (!r) return undefined;
    return {
      id: r[0],
      contractNo: r[1],
      supplierUscc: r[2],
      institutionId: r[3],
      purchaserRegionCode: r[4],
      status: r[5],
      consentParts: list<ConsentPart>(r[6]),
      consentExpiresAt: num(r[7]),
      consentRevokedAt: numOrNull(r[8]),
    };
  }

  async listApplications(q: ApplicationQuery): Promise<Application[]> {
    const query = this.db<ApplicationRow>('applications')
      .select('*')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(q.limit);
    if (q.institutionId !== undefined) query.where('institution_id', q.institutionId);
    if (q.supplierUscc !== undefined) query.where('supplier_uscc', q.supplierUscc);
    if (q.regionCodes !== undefined) query.whereIn('purchaser_region_code', [...q.regionCodes]);
    if (q.status !== undefined) query.where('status', q.status);
    if (q.before) {
      const { createdAt, id } = q.before;
      query.where((w) => w.where('created_at', '<', createdAt).orWhere((x) => x.where('created_at', createdAt).where('id', '<', id)));
    }
    return (await query).map(toApplication);
  }

  /** True when the supplier already has an application for this contract and product not yet decided. */
  async hasOpenApplication(supplierUscc: string, contractNo: string, productId: string): Promise<boolean> {
    const row = await this.db('applications')
      .select('id')
      .where({ contract_no: contractNo, supplier_uscc: supplierUscc, product_id: productId })
      .whereIn('status', ['submitted', 'under_review'])
      .first();
    return row !== undefined;
  }

  /** Applications of one supplier on the given contracts that still hold a reservation. */
  async reservedContracts(contractNos: readonly string[]): Promise<Set<string>> {
    if (!contractNos.length) return new Set();
    const rows = await this.db('contract_reservations').select('contract_no').whereIn('contract_no', [...contractNos]);
    return new Set(rows.map((r) => r.contract_no as string));
  }

  /**
   * Moves an application from one of `from` to `to`, atomically: false when its state changed meanwhile.
   */
  async transition(
    id: string,
    from: readonly ApplicationStatus[],
    to: ApplicationStatus,
    changes: ApplicationChanges,
    t: Transition,
  ): Promise<boolean> {
    const updated = await this.db('applications')
      .where({ id })
      .whereIn('status', [...from])
      .update({ ...changes, status: to, updated_at: t.at });
    if (updated !== 1) return false;
    await this.insertTransition(id, t);
    return true;
  }

  /** Changes fields without a state change (e.g. consent revocation). */
  async update(id: string, changes: ApplicationChanges, at: number): Promise<void> {
    await this.db('applications').where({ id }).update({ ...changes, updated_at: at });
  }

  async insertTransition(applicationId: string, t: Transition): Promise<void> {
    await this.db('application_transitions').insert({
      application_id: applicationId,
      from_status: t.from,
      to_status: t.to,
      actor: t.actor,
      reason_code: t.reasonCode,
      reason_text: t.reasonText,
      at: t.at,
    });
  }

  async transitions(applicationId: string): Promise<Transition[]> {
    const rows = await this.db('application_transitions').where({ application_id: applicationId }).orderBy('id');
    return rows.map((r) => ({
      from: r.from_status,
      to: r.to_status,
      actor: r.actor,
      reasonCode: r.reason_code,
      reasonText: r.reason_text,
      at: num(r.at),
    }));
  }

  /** Reserves the contract for the application; throws a unique violation when another holds it. */
  async reserve(contractNo: string, applicationId: string, at: number): Promise<void> {
    await this.db('contract_reservations').insert({ contract_no: contractNo, application_id: applicationId, created_at: at });
  }

  async release(applicationId: string): Promise<void> {
    await this.db('contract_reservations').where({ application_id: applicationId }).delete();
  }

  async insertDisbursement(d: { applicationId: string; loanNo: string; amountFen: number; on: string; at: number }) {
    await this.db('disbursements').insert({
      application_id: d.applicationId,
      loan_no: d.loanNo,
      amount_fen: d.amountFen,
      disbursed_on: d.on,
      created_at: d.at,
    });
  }

  async insertRepayment(r: { applicationId: string; amountFen: number; on: string; reference?: string; at: number }) {
    await this.db('repayments').insert({
      application_id: r.applicationId,
      amount_fen: r.amountFen,
      repaid_on: r.on,
      reference: r.reference ?? null,
      created_at: r.at,
    });
  }

  /** Applications waiting for the cloud to confirm their collection-account lock. */
  async pendingLocks(limit: number): Promise<Application[]> {
    const rows = await this.db<ApplicationRow>('applications').where({ status: 'account_lock_pending' }).orderBy('updated_at').limit(limit);
    return rows.map(toApplication);
  }

  // Audit chain

  /** The chain head, locked for this transaction (PostgreSQL; SQLite serialises writers anyway). */
  async lockChainHead(): Promise<{ lastId: number; lastHash: string }> {
    const row = await this.db('audit_chain_head').where({ id: 1 }).forUpdate().first();
    return { lastId: num(row.last_id), lastHash: row.last_hash as string };
  }

  /**
   * Appends the entry `next` builds from the chain head, in one transaction holding the head: on SQLite
   * synchronously with prepared statements (one writer, nothing interleaves), group-committed with the
   * appends that arrive in the same turn; elsewhere through knex, the head row locked FOR UPDATE.
   */
  async appendToChain(next: (head: { lastId: number; lastHash: string }) => DataAccessEntry): Promise<DataAccessEntry> {
    if (!this.statements.sqlite) {
      return this.transaction(async (tx) => {
        const e = next(await tx.lockChainHead());
        await tx.appendAccess(e);
        return e;
      });
    }
    // Reads that arrive together are appended in one group commit, each entry still linked to the one before.
    return this.statements.batched((s) => {
      const head = s.get<{ last_id: number; last_hash: string }>('select last_id, last_hash from audit_chain_head where id = 1')!;
      const e = next({ lastId: num(head.last_id), lastHash: head.last_hash });
      s.run(
        `insert into data_access_log (id, at, institution_id, application_id, contract_no, supplier_uscc, purchaser_region_code, part,
           consent_expires_at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [e.id, e.at, e.institutionId, e.applicationId, e.contractNo, e.supplierUscc, e.purchaserRegionCode, e.part, e.consentExpiresAt, e.prevHash, e.hash],
      );
      s.run('update audit_chain_head set last_id = ?, last_hash = ? where id = 1', [e.id, e.hash]);
      return e;
    });
  }

  async appendAccess(e: DataAccessEntry): Promise<void> {
    await this.db('data_access_log').insert({
      id: e.id,
      at: e.at,
      institution_id: e.institutionId,
      application_id: e.applicationId,
      contract_no: e.contractNo,
      supplier_uscc: e.supplierUscc,
      purchaser_region_code: e.purchaserRegionCode,
      part: e.part,
      consent_expires_at: e.consentExpiresAt,
      prev_hash: e.prevHash,
      hash: e.hash,
    });
    await this.db('audit_chain_head').where({ id: 1 }).update({ last_id: e.id, last_hash: e.hash });
  }

  async listAccess(q: {
    supplierUscc?: string;
    regionCodes?: readonly string[];
    institutionId?: string;
    beforeId?: number;
    afterId?: number;
    limit: number;
    ascending?: boolean;
  }): Promise<DataAccessEntry[]> {
    const query = this.db('data_access_log')
      .select('*')
      .orderBy('id', q.ascending ? 'asc' : 'desc')
      .limit(q.limit);
    if (q.supplierUscc !== undefined) query.where('supplier_uscc', q.supplierUscc);
    if (q.institutionId !== undefined) query.where('institution_id', q.institutionId);
    if (q.regionCodes !== undefined) query.whereIn('purchaser_region_code', [...q.regionCodes]);
    if (q.beforeId !== undefined) query.where('id', '<', q.beforeId);
    if (q.afterId !== undefined) query.where('id', '>', q.afterId);
    return (await query).map((r: Record<string, unknown>) => ({
      id: num(r.id),
      at: num(r.at),
      institutionId: r.institution_id as string,
      applicationId: r.application_id as string,
      contractNo: r.contract_no as string,
      supplierUscc: r.supplier_uscc as string,
      purchaserRegionCode: r.purchaser_region_code as string,
      part: r.part as ConsentPart,
      consentExpiresAt: num(r.consent_expires_at),
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
    }));
  }
}
