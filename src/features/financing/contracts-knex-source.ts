import type { Knex } from 'knex';
import { PreparedStatements } from '../../db/prepared.js';
import type { ContractSource, FinancingContract } from './ports.js';

type Row = Record<string, unknown>;

/** The columns {@link KnexContractSource.get} reads, in order. */
const CONTRACT_COLUMNS = [
  'contract_no', 'project_no', 'purchaser_name', 'purchaser_region_code', 'supplier_uscc', 'supplier_name', 'supplier_sme',
  'category', 'amount_fen', 'status', 'signed_on', 'procurement_method', 'payment_terms', 'paid_fen', 'open_flags',
] as const;
type ContractTuple = unknown[];
const CONTRACT_BY_NO = `select ${CONTRACT_COLUMNS.slice(0, -2).map((c) => `contracts.${c}`).join(', ')},
    (select sum(amount_fen) from payments where payments.contract_no = contracts.contract_no) as paid_fen,
    (select count(*) from supplier_risk_flags where supplier_risk_flags.supplier_uscc = contracts.supplier_uscc
       and lifted_at is null) as open_flags
  from contracts where contracts.contract_no = ?`;
const num = (v: unknown) => (typeof v === 'string' ? Number(v) : (v as number));

/** Reads financing's view of the contracts the procurement-cloud sync keeps. */
export class KnexContractSource implements ContractSource {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  private base() {
    const paid = this.db('payments').sum('amount_fen').where('payments.contract_no', this.db.ref('contracts.contract_no'));
    const flagged = this.db('supplier_risk_flags')
      .count('*')
      .where('supplier_risk_flags.supplier_uscc', this.db.ref('contracts.supplier_uscc'))
      .whereNull('lifted_at');
    return this.db('contracts').select('contracts.*', paid.as('paid_fen'), flagged.as('open_flags'));
  }

  /** A row of base() (an object) or of {@link CONTRACT_BY_NO} (the values in {@link CONTRACT_COLUMNS} order). */
  private toContract(row: Row | ContractTuple): FinancingContract {
    const r = Array.isArray(row) ? row : CONTRACT_COLUMNS.map((c) => row[c]);
    return {
      contractNo: r[0] as string,
      projectNo: r[1] as string,
      purchaserName: r[2] as string,
      purchaserRegionCode: r[3] as string,
      supplierUscc: r[4] as string,
      supplierName: r[5] as string,
      supplierIsSme: Boolean(r[6]),
      category: r[7] as FinancingContract['category'],
      amountFen: num(r[8]),
      status: r[9] as FinancingContract['status'],
      signedOn: r[10] as string,
      procurementMethod: r[11] as string,
      paymentTerms: JSON.parse(r[12] as string) as Record<string, unknown>,
      paidFen: num(r[13] ?? 0),
      blockingRiskFlag: num(r[14] ?? 0) > 0,
    };
  }

  /**
   * base() for one contract, as a prepared statement returning an array row: every bank read of a contract
   * comes here, and naming the columns instead of `contracts.*` as an object halves the read on SQLite.
   */
  async get(contractNo: string): Promise<FinancingContract | undefined> {
    const [r] = await this.statements.rows<ContractTuple>(CONTRACT_BY_NO, [contractNo]);
    if (!r) return undefined;
    return this.toContract(r);
  }

  async listBySupplier(uscc: string, after: string | undefined, limit: number): Promise<FinancingContract[]> {
    const q = this.base().where('contracts.supplier_uscc', uscc).orderBy('contracts.contract_no').limit(limit);
    if (after !== undefined) q.where('contracts.contract_no', '>', after);
    return ((await q) as Row[]).map((r) => this.toContract(r));
  }

  async acceptances(contractNo: string) {
    const rows = (await this.db('acceptances').where({ contract_no: contractNo }).orderBy(['accepted_at', 'acceptance_id'])) as Row[];
    return rows.map((r) => ({
      id: r.acceptance_id as string,
      acceptedOn: (r.accepted_at as string).slice(0, 10),
      result: r.result as string,
    }));
  }

  async payments(contractNo: string) {
    const rows = (await this.db('payments').where({ contract_no: contractNo }).orderBy(['paid_at', 'payment_id'])) as Row[];
    return rows.map((r) => ({ id: r.payment_id as string, paidOn: (r.paid_at as string).slice(0, 10), amountFen: num(r.amount_fen) }));
  }

  async riskFlags(contractNo: string) {
    const contract = await this.db('contracts').select('supplier_uscc').where({ contract_no: contractNo }).first();
    if (!contract) return [];
    const rows = (await this.db('supplier_risk_flags').where({ supplier_uscc: contract.supplier_uscc }).orderBy(['recorded_at', 'flag_id'])) as Row[];
    return rows.map((r) => ({
      id: r.flag_id as string,
      kind: r.kind as string,
      addedOn: (r.recorded_at as string).slice(0, 10),
      liftedOn: r.lifted_at ? (r.lifted_at as string).slice(0, 10) : null,
      ...(r.description ? { note: r.description as string } : {}),
    }));
  }
}
