import type { Knex } from 'knex';
import { PreparedStatements, type Param } from '../../db/prepared.js';
import { CONTRACT_COLUMNS, toContract } from './contract-source-knex-store.js';
import type { FinancingContract } from './ports.js';
import type { ApplicationStatus } from './lifecycle.js';
import type {
  AccountRelease,
  Application,
  ApplicationAccess,
  CreditLine,
  CreditLineQuery,
  DeadlineBreach,
  DeadlineBreachQuery,
  DeadlineBreachRow,
  ApplicationChanges,
  ApplicationQuery,
  ConsentPart,
  ContractCategory,
  Disbursement,
  FinancingStore,
  Product,
  ProductQuery,
  Repayment,
  Transition,
} from './financing-store.js';

// The statements every createApplication, approval and bank read runs are prepared once per connection
// (src/db/prepared.ts); knex builds the rarer ones. Rows become domain objects here and nowhere else.

const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const list = <T extends string>(v: string): T[] => (v ? (v.split(',') as T[]) : []);
type Tuple = unknown[];

/** A row of `ACCESS_COLUMNS`, as an array. */
function toAccess(r: Tuple): ApplicationAccess {
  return {
    id: r[0] as string,
    contractNo: r[1] as string,
    supplierUscc: r[2] as string,
    institutionId: r[3] as string,
    purchaserRegionCode: r[4] as string,
    status: r[5] as ApplicationStatus,
    consentParts: list<ConsentPart>(r[6] as string),
    consentExpiresAt: num(r[7]),
    consentRevokedAt: numOrNull(r[8]),
  };
}

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
  fee_bp: number;
  decide_days: number | null;
  disburse_days: number | null;
  requirements: string | null;
  status: string;
  review_reason: string | null;
  created_at: number | string;
  updated_at: number | string;
}

interface ApplicationRow {
  id: string;
  contract_no: string;
  supplier_uscc: string;
  supplier_name: string;
  supplier_is_sme: boolean | number;
  institution_id: string;
  product_id: string;
  purchaser_region_code: string;
  requested_amount_fen: number | string;
  status: ApplicationStatus;
  approved_amount_fen: number | string | null;
  annual_rate_bp: number | null;
  term_days: number | null;
  account_bank_name: string | null;
  account_name: string | null;
  account_number: string | null;
  lock_ref: string | null;
  loan_no: string | null;
  disbursed_fen: number | string;
  repaid_fen: number | string;
  consent_parts: string;
  consent_expires_at: number | string;
  consent_revoked_at: number | string | null;
  reason_code: string | null;
  decided_at: number | string | null;
  disbursed_at: number | string | null;
  settled_at: number | string | null;
  intent_id: string | null;
  credit_line_id: string | null;
  account_release: AccountRelease | null;
  account_released_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

interface CreditLineRow {
  id: string;
  institution_id: string;
  supplier_uscc: string;
  amount_fen: number | string;
  used_fen: number | string;
  annual_rate_bp: number;
  valid_until: number | string;
  status: 'active' | 'revoked';
  revoked_at: number | string | null;
  created_at: number | string;
}

const toCreditLine = (r: CreditLineRow): CreditLine => ({
  id: r.id,
  institutionId: r.institution_id,
  supplierUscc: r.supplier_uscc,
  amountFen: num(r.amount_fen),
  usedFen: num(r.used_fen),
  annualRateBp: num(r.annual_rate_bp),
  validUntil: num(r.valid_until),
  status: r.status,
  revokedAt: numOrNull(r.revoked_at),
  createdAt: num(r.created_at),
});

interface TransitionRow {
  from_status: ApplicationStatus | null;
  to_status: ApplicationStatus;
  actor: string;
  reason_code: string | null;
  reason_text: string | null;
  at: number | string;
}

function toApplication(r: ApplicationRow): Application {
  return {
    id: r.id,
    contractNo: r.contract_no,
    supplierUscc: r.supplier_uscc,
    supplierName: r.supplier_name,
    supplierIsSme: Boolean(r.supplier_is_sme),
    institutionId: r.institution_id,
    productId: r.product_id,
    purchaserRegionCode: r.purchaser_region_code,
    requestedAmountFen: num(r.requested_amount_fen),
    status: r.status,
    approvedAmountFen: numOrNull(r.approved_amount_fen),
    annualRateBp: numOrNull(r.annual_rate_bp),
    termDays: numOrNull(r.term_days),
    account: r.account_number
      ? { bankName: r.account_bank_name ?? '', accountName: r.account_name ?? '', accountNumber: r.account_number }
      : null,
    lockRef: r.lock_ref ?? null,
    loanNo: r.loan_no ?? null,
    disbursedFen: num(r.disbursed_fen),
    repaidFen: num(r.repaid_fen),
    consentParts: list<ConsentPart>(r.consent_parts),
    consentExpiresAt: num(r.consent_expires_at),
    consentRevokedAt: numOrNull(r.consent_revoked_at),
    reasonCode: r.reason_code ?? null,
    decidedAt: numOrNull(r.decided_at),
    disbursedAt: numOrNull(r.disbursed_at),
    settledAt: numOrNull(r.settled_at),
    intentId: r.intent_id ?? null,
    creditLineId: r.credit_line_id ?? null,
    accountRelease: r.account_release ?? null,
    accountReleasedAt: numOrNull(r.account_released_at),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

const toProduct = (r: ProductRow, regions: string[]): Product => ({
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
  regions,
  feeBp: num(r.fee_bp),
  decideDays: numOrNull(r.decide_days),
  disburseDays: numOrNull(r.disburse_days),
  requirements: r.requirements ?? null,
  status: r.status as Product['status'],
  reviewReason: r.review_reason,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const toTransition = (r: TransitionRow): Transition => ({
  from: r.from_status,
  to: r.to_status,
  actor: r.actor,
  reasonCode: r.reason_code,
  reasonText: r.reason_text,
  at: num(r.at),
});

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
    fee_bp: p.feeBp,
    decide_days: p.decideDays,
    disburse_days: p.disburseDays,
    requirements: p.requirements,
    status: p.status,
    review_reason: p.reviewReason,
    updated_at: p.updatedAt,
  };
}

/** The column values of `changes`, in a fixed order (so each call site always prepares the same SQL). */
function changeColumns(c: ApplicationChanges): [string, Param][] {
  const out: [string, Param][] = [];
  const put = (column: string, value: Param | undefined) => {
    if (value !== undefined) out.push([column, value]);
  };
  put('approved_amount_fen', c.approvedAmountFen);
  put('annual_rate_bp', c.annualRateBp);
  put('term_days', c.termDays);
  if (c.account !== undefined) {
    put('account_bank_name', c.account?.bankName ?? null);
    put('account_name', c.account?.accountName ?? null);
    put('account_number', c.account?.accountNumber ?? null);
  }
  put('lock_ref', c.lockRef);
  put('loan_no', c.loanNo);
  put('disbursed_fen', c.disbursedFen);
  put('repaid_fen', c.repaidFen);
  put('consent_revoked_at', c.consentRevokedAt);
  put('reason_code', c.reasonCode);
  put('decided_at', c.decidedAt);
  put('disbursed_at', c.disbursedAt);
  put('settled_at', c.settledAt);
  put('account_release', c.accountRelease);
  put('credit_line_id', c.creditLineId);
  put('account_released_at', c.accountReleasedAt);
  return out;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const INSERT_APPLICATION = `insert into applications (id, contract_no, supplier_uscc, supplier_name, supplier_is_sme, institution_id,
    product_id, purchaser_region_code, requested_amount_fen, status, consent_parts, consent_expires_at, created_at, updated_at, intent_id)
  values (${placeholders(15)})`;
const INSERT_TRANSITION = `insert into application_transitions (application_id, from_status, to_status, actor, reason_code, reason_text, at)
  values (${placeholders(7)})`;
// PostgreSQL: the application and its first move in one statement, one round trip; the move's values are typed
// here because a SELECT's bare parameters would arrive as text.
const INSERT_APPLICATION_PG = `with application as (${INSERT_APPLICATION} returning id)
  insert into application_transitions (application_id, from_status, to_status, actor, reason_code, reason_text, at)
  select id, ?::text, ?::text, ?::text, ?::text, ?::text, ?::bigint from application`;
const APPLICATION_BY_ID = 'select * from applications where id = ?';
/**
 * What {@link toAccess} reads, in its order. Nine columns as an array row: about a third of the cost of the whole
 * 29-column row as an object on SQLite.
 */
const ACCESS_COLUMNS = `applications.id, applications.contract_no, applications.supplier_uscc, applications.institution_id,
    applications.purchaser_region_code, applications.status, applications.consent_parts, applications.consent_expires_at,
    applications.consent_revoked_at`;
const ACCESS_COLUMN_COUNT = ACCESS_COLUMNS.split(',').length;
const ACCESS_BY_ID = `select ${ACCESS_COLUMNS} from applications where applications.id = ?`;
// The contract is joined, not required: a contract the sync no longer holds answers as missing, after the access check.
const ACCESS_WITH_CONTRACT = `select ${ACCESS_COLUMNS}, ${CONTRACT_COLUMNS} from applications
    left join contracts on contracts.contract_no = applications.contract_no where applications.id = ?`;
const OPEN_APPLICATION = `select id from applications where contract_no = ? and supplier_uscc = ? and product_id = ?
    and status in ('submitted', 'under_review') limit 1`;
const RESERVED = 'select contract_no from contract_reservations where contract_no = ?';
// RESERVED and OPEN_APPLICATION as one row, their parameters in turn.
const CONTRACT_HOLDS = `select exists (${RESERVED}), exists (${OPEN_APPLICATION})`;
const RESERVE = 'insert into contract_reservations (contract_no, application_id, created_at) values (?, ?, ?) on conflict do nothing';
const PRODUCT_WITH_REGIONS = `select products.*, product_regions.region_code as served_region from products
    left join product_regions on product_regions.product_id = products.id where products.id = ? order by product_regions.region_code`;

/** Products, applications, transitions, reservations and money movements in SQLite or PostgreSQL. */
export class KnexFinancingStore implements FinancingStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
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
    // One row per region (one row with a null region for a product without any): a single statement.
    const rows = await this.statements.all<ProductRow & { served_region: string | null }>(PRODUCT_WITH_REGIONS, [id]);
    if (!rows.length) return undefined;
    return toProduct(rows[0]!, rows.flatMap((r) => (r.served_region === null ? [] : [r.served_region])));
  }

  async listProducts(q: ProductQuery): Promise<Product[]> {
    const query = this.db<ProductRow>('products').select('products.*').orderBy('products.id').limit(q.limit);
    if (q.institutionId !== undefined) query.where('institution_id', q.institutionId);
    if (q.status !== undefined) query.where('status', q.status);
    if (q.afterId !== undefined) query.where('products.id', '>', q.afterId);
    if (q.regionCodes !== undefined) {
      query.whereIn('products.id', this.db('product_regions').select('product_id').whereIn('region_code', [...q.regionCodes]));
    }
    const rows = (await query) as ProductRow[];
    if (!rows.length) return [];
    const regions = (await this.db('product_regions')
      .select('product_id', 'region_code')
      .whereIn('product_id', rows.map((r) => r.id))
      .orderBy('region_code')) as { product_id: string; region_code: string }[];
    return rows.map((r) => toProduct(r, regions.filter((x) => x.product_id === r.id).map((x) => x.region_code)));
  }

  // Applications

  async insertApplication(a: Application, first: Transition): Promise<void> {
    const application: Param[] = [
      a.id,
      a.contractNo,
      a.supplierUscc,
      a.supplierName,
      a.supplierIsSme,
      a.institutionId,
      a.productId,
      a.purchaserRegionCode,
      a.requestedAmountFen,
      a.status,
      a.consentParts.join(','),
      a.consentExpiresAt,
      a.createdAt,
      a.updatedAt,
      a.intentId,
    ];
    if (this.statements.sqlite) {
      await this.statements.run(INSERT_APPLICATION, application);
      await this.insertTransition(a.id, first);
      return;
    }
    await this.statements.run(INSERT_APPLICATION_PG, [...application, first.from, first.to, first.actor, first.reasonCode, first.reasonText, first.at]);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const row = await this.statements.get<ApplicationRow>(APPLICATION_BY_ID, [id]);
    return row ? toApplication(row) : undefined;
  }

  async getApplicationAccess(id: string): Promise<ApplicationAccess | undefined> {
    const [r] = await this.statements.rows<Tuple>(ACCESS_BY_ID, [id]);
    return r && toAccess(r);
  }

  async getApplicationAccessWithContract(id: string): Promise<{ access: ApplicationAccess; contract: FinancingContract | undefined } | undefined> {
    const [r] = await this.statements.rows<Tuple>(ACCESS_WITH_CONTRACT, [id]);
    if (!r) return undefined;
    const contract = r[ACCESS_COLUMN_COUNT] === null ? undefined : toContract(r.slice(ACCESS_COLUMN_COUNT));
    return { access: toAccess(r), contract };
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
    if (q.createdFrom !== undefined) query.where('created_at', '>=', q.createdFrom);
    if (q.createdBefore !== undefined) query.where('created_at', '<', q.createdBefore);
    if (q.amountMin !== undefined) query.where('requested_amount_fen', '>=', q.amountMin);
    if (q.amountMax !== undefined) query.where('requested_amount_fen', '<=', q.amountMax);
    if (q.before) {
      const { createdAt, id } = q.before;
      query.where((w) => w.where('created_at', '<', createdAt).orWhere((x) => x.where('created_at', createdAt).where('id', '<', id)));
    }
    return ((await query) as ApplicationRow[]).map(toApplication);
  }

  async hasOpenApplication(supplierUscc: string, contractNo: string, productId: string): Promise<boolean> {
    return (await this.statements.rows(OPEN_APPLICATION, [contractNo, supplierUscc, productId])).length > 0;
  }

  async contractHolds(contractNo: string, supplierUscc: string, productId: string): Promise<{ reserved: boolean; openApplication: boolean }> {
    const [r] = await this.statements.rows<[unknown, unknown]>(CONTRACT_HOLDS, [contractNo, contractNo, supplierUscc, productId]);
    // exists() is a boolean on PostgreSQL and 0 or 1 on SQLite.
    return { reserved: Boolean(r?.[0]), openApplication: Boolean(r?.[1]) };
  }

  async reservedContracts(contractNos: readonly string[]): Promise<Set<string>> {
    if (!contractNos.length) return new Set();
    if (contractNos.length === 1) return new Set((await this.statements.rows<[string]>(RESERVED, [contractNos[0]!])).map((r) => r[0]));
    const rows = (await this.db('contract_reservations').select('contract_no').whereIn('contract_no', [...contractNos])) as { contract_no: string }[];
    return new Set(rows.map((r) => r.contract_no));
  }

  async transition(
    id: string,
    from: readonly ApplicationStatus[],
    to: ApplicationStatus,
    changes: ApplicationChanges,
    t: Transition,
  ): Promise<Application | undefined> {
    const columns = changeColumns(changes);
    const row = await this.statements.get<ApplicationRow>(
      `update applications set ${columns.map(([c]) => `${c} = ?, `).join('')}status = ?, updated_at = ?
         where id = ? and status in (${placeholders(from.length)}) returning *`,
      [...columns.map(([, v]) => v), to, t.at, id, ...from],
    );
    if (!row) return undefined;
    await this.insertTransition(id, t);
    return toApplication(row);
  }

  async update(id: string, changes: ApplicationChanges, at: number): Promise<Application | undefined> {
    const columns = changeColumns(changes);
    const row = await this.statements.get<ApplicationRow>(
      `update applications set ${columns.map(([c]) => `${c} = ?, `).join('')}updated_at = ? where id = ? returning *`,
      [...columns.map(([, v]) => v), at, id],
    );
    return row ? toApplication(row) : undefined;
  }

  private async insertTransition(applicationId: string, t: Transition): Promise<void> {
    await this.statements.run(INSERT_TRANSITION, [applicationId, t.from, t.to, t.actor, t.reasonCode, t.reasonText, t.at]);
  }

  async transitions(applicationId: string): Promise<Transition[]> {
    const rows = (await this.db('application_transitions').where({ application_id: applicationId }).orderBy('id')) as TransitionRow[];
    return rows.map(toTransition);
  }

  async reserve(contractNo: string, applicationId: string, at: number): Promise<boolean> {
    // The primary key decides between two concurrent approvals; the loser inserts nothing.
    return (await this.statements.run(RESERVE, [contractNo, applicationId, at])) === 1;
  }

  async release(applicationId: string): Promise<void> {
    await this.db('contract_reservations').where({ application_id: applicationId }).delete();
  }

  async insertDisbursement(d: Disbursement): Promise<void> {
    await this.db('disbursements').insert({
      application_id: d.applicationId,
      loan_no: d.loanNo,
      amount_fen: d.amountFen,
      disbursed_on: d.on,
      created_at: d.at,
    });
  }

  async insertRepayment(r: Repayment): Promise<void> {
    // The application's region and institution ride along for the statistics (015), copied in the same statement.
    const of = (column: string) => this.db('applications').select(column).where({ id: r.applicationId });
    await this.db('repayments').insert({
      application_id: r.applicationId,
      amount_fen: r.amountFen,
      repaid_on: r.on,
      reference: r.reference ?? null,
      created_at: r.at,
      region_code: of('purchaser_region_code'),
      institution_id: of('institution_id'),
    });
  }

  async moneyMovements(applicationId: string): Promise<{ disbursements: Disbursement[]; repayments: Repayment[] }> {
    const [d, r] = await Promise.all([
      this.db('disbursements').where({ application_id: applicationId }).orderBy('id').select('loan_no', 'amount_fen', 'disbursed_on', 'created_at') as Promise<
        { loan_no: string; amount_fen: number | string; disbursed_on: string; created_at: number | string }[]
      >,
      this.db('repayments').where({ application_id: applicationId }).orderBy('id').select('amount_fen', 'repaid_on', 'reference', 'created_at') as Promise<
        { amount_fen: number | string; repaid_on: string; reference: string | null; created_at: number | string }[]
      >,
    ]);
    return {
      disbursements: d.map((x) => ({ applicationId, loanNo: x.loan_no, amountFen: num(x.amount_fen), on: x.disbursed_on, at: num(x.created_at) })),
      repayments: r.map((x) => ({ applicationId, amountFen: num(x.amount_fen), on: x.repaid_on, reference: x.reference ?? undefined, at: num(x.created_at) })),
    };
  }

  async pendingLocks(limit: number): Promise<Application[]> {
    const rows = (await this.db('applications').where({ status: 'account_lock_pending' }).orderBy('updated_at').limit(limit)) as ApplicationRow[];
    return rows.map(toApplication);
  }

  async insertCreditLine(l: CreditLine): Promise<void> {
    await this.db('credit_lines').insert({
      id: l.id,
      institution_id: l.institutionId,
      supplier_uscc: l.supplierUscc,
      amount_fen: l.amountFen,
      used_fen: l.usedFen,
      annual_rate_bp: l.annualRateBp,
      valid_until: l.validUntil,
      status: l.status,
      revoked_at: l.revokedAt,
      created_at: l.createdAt,
    });
  }

  async getCreditLine(id: string): Promise<CreditLine | undefined> {
    const row = (await this.db('credit_lines').where({ id }).first()) as CreditLineRow | undefined;
    return row && toCreditLine(row);
  }

  async listCreditLines(q: CreditLineQuery): Promise<CreditLine[]> {
    const query = this.db('credit_lines')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(q.limit);
    if (q.institutionId !== undefined) query.where('institution_id', q.institutionId);
    if (q.supplierUscc !== undefined) query.where('supplier_uscc', q.supplierUscc);
    if (q.liveAt !== undefined) query.where('status', 'active').where('valid_until', '>', q.liveAt);
    if (q.before) {
      const { createdAt, id } = q.before;
      query.where((w) => w.where('created_at', '<', createdAt).orWhere((x) => x.where('created_at', createdAt).where('id', '<', id)));
    }
    return ((await query) as CreditLineRow[]).map(toCreditLine);
  }

  async revokeCreditLine(id: string, at: number): Promise<CreditLine | undefined> {
    const [row] = (await this.db('credit_lines').where({ id, status: 'active' }).update({ status: 'revoked', revoked_at: at }).returning('*')) as CreditLineRow[];
    return row && toCreditLine(row);
  }

  async drawCredit(id: string, amountFen: number, at: number): Promise<boolean> {
    // The check and the draw are one statement: on PostgreSQL a concurrent draw waits for the row and the
    // condition is evaluated again on what it committed.
    const n = await this.db('credit_lines')
      .where({ id, status: 'active' })
      .where('valid_until', '>', at)
      .whereRaw('used_fen + ? <= amount_fen', [amountFen])
      .update({ used_fen: this.db.raw('used_fen + ?', [amountFen]) });
    return n === 1;
  }

  async restoreCredit(id: string, amountFen: number): Promise<void> {
    await this.db('credit_lines').where({ id }).update({ used_fen: this.db.raw('case when used_fen > ? then used_fen - ? else 0 end', [amountFen, amountFen]) });
  }

  async listByStatus(statuses: readonly ApplicationStatus[], limit: number): Promise<Application[]> {
    const rows = (await this.db('applications').whereIn('status', [...statuses]).orderBy('created_at').limit(limit)) as ApplicationRow[];
    return rows.map(toApplication);
  }

  async recordBreach(b: DeadlineBreach): Promise<boolean> {
    const rows = (await this.db('deadline_breaches')
      .insert({
        application_id: b.applicationId,
        deadline: b.deadline,
        institution_id: b.institutionId,
        region_code: b.regionCode,
        working_days: b.workingDays,
        due_at: b.dueAt,
        recorded_at: b.recordedAt,
      })
      .onConflict(['application_id', 'deadline'])
      .ignore()
      .returning('application_id')) as unknown[];
    return rows.length === 1;
  }

  async listBreaches(q: DeadlineBreachQuery): Promise<DeadlineBreachRow[]> {
    const query = this.db('deadline_breaches as b')
      .join('applications as a', 'a.id', 'b.application_id')
      .select('b.*', 'a.contract_no')
      .whereIn('b.region_code', [...q.regionCodes])
      .orderBy([
        { column: 'b.recorded_at', order: 'desc' },
        { column: 'b.application_id', order: 'desc' },
        { column: 'b.deadline', order: 'desc' },
      ])
      .limit(q.limit);
    if (q.deadline !== undefined) query.where('b.deadline', q.deadline);
    if (q.before) {
      const { at, id, deadline } = q.before;
      query.where((w) =>
        w
          .where('b.recorded_at', '<', at)
          .orWhere((x) => x.where('b.recorded_at', at).where('b.application_id', '<', id))
          .orWhere((x) => x.where('b.recorded_at', at).where('b.application_id', id).where('b.deadline', '<', deadline)),
      );
    }
    const rows = (await query) as {
      application_id: string;
      deadline: 'decide' | 'disburse';
      institution_id: string;
      region_code: string;
      working_days: number;
      due_at: number | string;
      recorded_at: number | string;
      contract_no: string;
    }[];
    return rows.map((r) => ({
      applicationId: r.application_id,
      deadline: r.deadline,
      institutionId: r.institution_id,
      regionCode: r.region_code,
      workingDays: r.working_days,
      dueAt: Number(r.due_at),
      recordedAt: Number(r.recorded_at),
      contractNo: r.contract_no,
    }));
  }

  async openOnContract(contractNo: string, exceptId: string): Promise<Application[]> {
    const rows = (await this.db('applications')
      .where({ contract_no: contractNo })
      .whereIn('status', ['submitted', 'under_review'])
      .whereNot('id', exceptId)
      .orderBy('id')) as ApplicationRow[];
    return rows.map(toApplication);
  }

  async pendingReleases(limit: number): Promise<Application[]> {
    const rows = (await this.db('applications').where({ account_release: 'account_release_pending' }).orderBy('updated_at').limit(limit)) as ApplicationRow[];
    return rows.map(toApplication);
  }
}
