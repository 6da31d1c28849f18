import type { Knex } from 'knex';
import { PreparedStatements } from '../../db/prepared.js';
import type { ContractSource, FinancingContract } from './ports.js';

type Row = Record<string, unknown>;
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

  private toContract(r: Row): FinancingContract {
    return {
      contractNo: r.contract_no as string,
      projectNo: r.project_no as string,
      purchaserName: r.purchaser_name as string,
      purchaserRegionCode: r.purchaser_region_code as string,
      supplierUscc: r.supplier_uscc as string,
      supplierName: r.supplier_name as string,
      supplierIsSme: Boolean(r.supplier_sme),
      category: r.category as FinancingContract['category'],
      amountFen: num(r.amount_fen),
      paidFen: num(r.paid_fen ?? 0),
      status: r.status as FinancingContract['status'],
      signedOn: r.signed_on as string,
      procurementMethod: r.procurement_method as string,
      paymentTerms: JSON.parse(r.payment_terms as string) as Record<string, unknown>,
      blockingRiskFlag: num(r.open_flags ?? 0) > 0,
    };
  }

  async get(contractNo: string): Promise<FinancingContract | undefined> {
    // base() for one contract, as a prepared statement: every bank read of a contract comes here.
    const row = await this.statements.get<Row>(
      `select contracts.*,
         (select sum(amount_fen) from payments where payments.contract_no = contracts.contract_no) as paid_fen,
         (select count(*) from supplier_risk_flags where supplier_risk_flags.supplier_uscc = contracts.supplier_uscc
            and lifted_at is null) as open_flags
       from contracts where contracts.contract_no = ?`,
      [contractNo],
    );
    return row ? this.toContract(row) : undefined;
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
