import type { Knex } from 'knex';
import type { PaymentTerms } from '../../../adapters/procurement-cloud.js';
import { LIVE_FINANCING_STATUSES } from '../events/published-events.js';
import type { LiveFinancing, PaymentRow, SupervisionStore } from './supervision-store.js';

interface Row {
  contract_no: string;
  purchaser_name: string;
  purchaser_region_code: string;
  supplier_uscc: string;
  supplier_name: string;
  amount_fen: number | string;
  payment_terms: string;
  accepted_at: number | string | null;
  paid: number | string | null;
}

const fromRow = (r: Row): PaymentRow => ({
  contractNo: r.contract_no,
  purchaserName: r.purchaser_name,
  purchaserRegionCode: r.purchaser_region_code,
  supplierUscc: r.supplier_uscc,
  supplierName: r.supplier_name,
  amountFen: Number(r.amount_fen),
  terms: JSON.parse(r.payment_terms) as PaymentTerms,
  acceptedAt: r.accepted_at === null ? null : Number(r.accepted_at),
  paidFen: Number(r.paid ?? 0),
});

/** Payment supervision's reads in SQLite or PostgreSQL. */
export class KnexSupervisionStore implements SupervisionStore {
  constructor(private readonly db: Knex) {}

  async acceptedUnpaid(q: Parameters<SupervisionStore['acceptedUnpaid']>[0]): Promise<(PaymentRow & { financed: boolean })[]> {
    const query = this.base()
      .whereIn('c.purchaser_region_code', q.regions)
      .whereExists(this.db('acceptances as y').select(this.db.raw('1')).whereRaw('y.contract_no = c.contract_no').where('y.result', 'passed'))
      .select(
        this.db.raw('exists (select 1 from applications a where a.contract_no = c.contract_no and a.status in (' + LIVE_FINANCING_STATUSES.map(() => '?').join(', ') + ')) as financed', [...LIVE_FINANCING_STATUSES]),
      );
    if (q.afterContractNo !== undefined) query.where('c.contract_no', '>', q.afterContractNo);
    const rows = (await query.orderBy('c.contract_no').limit(q.limit)) as (Row & { financed: number | boolean })[];
    return rows.map((r) => ({ ...fromRow(r), financed: Boolean(r.financed) }));
  }

  async financedUnpaid(q: Parameters<SupervisionStore['financedUnpaid']>[0]): Promise<(PaymentRow & { financings: LiveFinancing[] })[]> {
    const query = this.base().whereIn('c.contract_no', this.db('applications').select('contract_no').whereIn('status', LIVE_FINANCING_STATUSES));
    if (q.afterContractNo !== undefined) query.where('c.contract_no', '>', q.afterContractNo);
    const rows = (await query.orderBy('c.contract_no').limit(q.limit)) as Row[];
    if (!rows.length) return [];
    const apps = (await this.db('applications')
      .select('id', 'institution_id', 'loan_no', 'contract_no')
      .whereIn('contract_no', rows.map((r) => r.contract_no))
      .whereIn('status', LIVE_FINANCING_STATUSES)
      .orderBy('id')) as { id: string; institution_id: string; loan_no: string | null; contract_no: string }[];
    return rows.map((r) => ({
      ...fromRow(r),
      financings: apps.filter((a) => a.contract_no === r.contract_no).map((a) => ({ applicationId: a.id, institutionId: a.institution_id, loanNo: a.loan_no })),
    }));
  }

  /** Contracts not fully paid, with their first passed acceptance and what was paid. */
  private base() {
    return this.db('contracts as c')
      .select('c.contract_no', 'c.purchaser_name', 'c.purchaser_region_code', 'c.supplier_uscc', 'c.supplier_name', 'c.amount_fen', 'c.payment_terms')
      .select({ accepted_at: this.acceptedAt(), paid: this.paid() })
      .whereNot('c.status', 'terminated')
      .where('c.amount_fen', '>', this.paid());
  }

  private acceptedAt() {
    return this.db('acceptances as x').min('x.accepted_at').whereRaw('x.contract_no = c.contract_no').where('x.result', 'passed');
  }

  private paid() {
    return this.db('payments as p').select(this.db.raw('coalesce(sum(p.amount_fen), 0)')).whereRaw('p.contract_no = c.contract_no');
  }
}
