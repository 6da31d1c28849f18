import type { Knex } from 'knex';
import { utcDate } from '../../clock.js';
import { PreparedStatements } from '../../db/prepared.js';
import type { Acceptance, ContractSource, FinancingContract, Payment, ReceivedPayment, RiskFlag } from './ports.js';

/** The columns a contract is read with, in the order {@link toContract} takes them; `contracts` names the table. */
export const CONTRACT_COLUMNS = `contracts.contract_no, contracts.project_no, contracts.purchaser_name, contracts.purchaser_region_code,
    contracts.supplier_uscc, contracts.supplier_name, contracts.supplier_sme, contracts.category, contracts.amount_fen, contracts.status,
    contracts.signed_on, contracts.procurement_method, contracts.payment_terms,
    (select sum(amount_fen) from payments where payments.contract_no = contracts.contract_no) as paid_fen,
    (select count(*) from supplier_risk_flags where supplier_risk_flags.supplier_uscc = contracts.supplier_uscc
       and lifted_at is null) as open_flags`;
const CONTRACT_BY_NO = `select ${CONTRACT_COLUMNS} from contracts where contracts.contract_no = ?`;
const ACCEPTANCES = 'select acceptance_id, accepted_at, result from acceptances where contract_no = ? order by accepted_at, acceptance_id';
const PAYMENTS = 'select payment_id, paid_at, amount_fen from payments where contract_no = ? order by paid_at, payment_id';
const RISK_FLAGS = `select f.flag_id, f.kind, f.recorded_at, f.lifted_at, f.description from supplier_risk_flags f
    join contracts c on c.supplier_uscc = f.supplier_uscc where c.contract_no = ? order by f.recorded_at, f.flag_id`;

type Tuple = unknown[];
const num = (v: unknown) => (typeof v === 'string' ? Number(v) : (v as number));

/** A row of {@link CONTRACT_COLUMNS}, as an array. */
export function toContract(r: Tuple): FinancingContract {
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
 * Financing's view of the contracts the procurement-cloud sync keeps. Every bank read of a contract and every
 * application comes through {@link KnexContractSource.get}: a prepared statement returning an array row, which
 * halves the read on SQLite against `contracts.*` as an object.
 */
export class KnexContractSource implements ContractSource {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  async get(contractNo: string): Promise<FinancingContract | undefined> {
    const [r] = await this.statements.rows<Tuple>(CONTRACT_BY_NO, [contractNo]);
    return r && toContract(r);
  }

  async listBySupplier(uscc: string, after: string | undefined, limit: number): Promise<FinancingContract[]> {
    const rows = await this.statements.rows<Tuple>(
      `select ${CONTRACT_COLUMNS} from contracts where contracts.supplier_uscc = ?${after === undefined ? '' : ' and contracts.contract_no > ?'}
        order by contracts.contract_no limit ?`,
      after === undefined ? [uscc, limit] : [uscc, after, limit],
    );
    return rows.map(toContract);
  }

  async acceptances(contractNo: string): Promise<Acceptance[]> {
    const rows = await this.statements.rows<[string, number | string, string]>(ACCEPTANCES, [contractNo]);
    return rows.map((r) => ({ id: r[0], acceptedOn: utcDate(num(r[1])), result: r[2] }));
  }

  async payments(contractNo: string): Promise<Payment[]> {
    const rows = await this.statements.rows<[string, number | string, number | string]>(PAYMENTS, [contractNo]);
    return rows.map((r) => ({ id: r[0], paidOn: utcDate(num(r[1])), amountFen: num(r[2]) }));
  }

  async paymentsReceived(contractNo: string, from: number, to: number): Promise<ReceivedPayment[]> {
    // The cloud's `payment.made` changes as ingest recorded them: created_at is when the gateway received each.
    const rows = (await this.db('events')
      .where({ contract_no: contractNo, type: 'payment.made' })
      .where('created_at', '>=', from)
      .where('created_at', '<=', to)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('created_at', 'payload')) as { created_at: number | string; payload: string }[];
    return rows.flatMap((r) => {
      const amount = (JSON.parse(r.payload) as { payment?: { amountFen?: unknown } }).payment?.amountFen;
      return typeof amount === 'number' ? [{ receivedAt: num(r.created_at), amountFen: amount }] : [];
    });
  }

  async riskFlags(contractNo: string): Promise<RiskFlag[]> {
    const rows = await this.statements.rows<[string, string, number | string, number | string | null, string | null]>(RISK_FLAGS, [contractNo]);
    return rows.map((r) => ({
      id: r[0],
      kind: r[1],
      addedOn: utcDate(num(r[2])),
      liftedOn: r[3] === null ? null : utcDate(num(r[3])),
      ...(r[4] ? { note: r[4] } : {}),
    }));
  }
}
