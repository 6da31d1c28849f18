import { epochMs, systemClock, type Clock } from '../../clock.js';
import type { Page } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import type { Transactional } from '../../transactional.js';
import type { Outbox } from '../events/outbox.js';
import { OutsideRegionError } from '../institutions/institutions-service.js';
import type { RegionService } from '../regions/regions-service.js';
import { chinaDate } from '../statistics/period.js';
import { daysBetween, paymentStanding, type PaymentRules, type PaymentStanding } from './payment-due.js';
import type { PaymentRow, SupervisionStore } from './supervision-store.js';

/** One accepted, not fully paid contract and where its payments stand today. */
export interface LatePayment extends PaymentRow {
  acceptedOn: string;
  daysSinceAcceptance: number;
  standing: PaymentStanding;
  late: boolean;
  financed: boolean;
}

/** What the overdue check writes: events, through the outbox. */
export interface OverdueUnit {
  outbox: Outbox;
}

const BATCH = 500;

/**
 * Purchasers' payment discipline: which accepted contracts are paid late under 《保障中小企业款项支付条例》,
 * for bureaus within their subtree, and `payment.overdue` to the bank of a financed contract, once per due date.
 */
export class SupervisionService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: { store: SupervisionStore; transactional: Transactional<OverdueUnit>; regions: RegionService; rules: PaymentRules; clock?: Clock },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** One page of the accepted, unpaid contracts of purchasers in `region` (default the actor's); `late`: only late ones. */
  async latePayments(actor: BureauPrincipal, q: { region?: string | undefined; late?: boolean | undefined; afterContractNo?: string | undefined; limit: number }): Promise<Page<LatePayment>> {
    const region = q.region ?? actor.regionCode;
    if (!(await this.deps.regions.isWithin(region, actor.regionCode))) {
      throw new OutsideRegionError(`Region ${region} is outside the region your bureau administers.`);
    }
    const regions = await this.deps.regions.subtreeCodes(region);
    const today = chinaDate(epochMs(this.clock));
    const items: LatePayment[] = [];
    let after = q.afterContractNo;
    // With `late` the page is filled from as many batches as it takes; one row more says whether more follow.
    for (;;) {
      const rows = await this.deps.store.acceptedUnpaid({ regions, afterContractNo: after, limit: q.late ? BATCH : q.limit + 1 });
      for (const r of rows) {
        const item = this.assess(r, today);
        if (!q.late || item.late) items.push(item);
        if (items.length > q.limit) return { items: items.slice(0, q.limit), more: true };
      }
      if (!q.late || rows.length < BATCH) return { items, more: false };
      after = rows.at(-1)!.contractNo;
    }
  }

  /**
   * Tells the bank of every financed contract with a payment past its due date: one `payment.overdue` per
   * contract and due date, whatever how often this runs (the event id is derived from both). Returns how many
   * events it recorded.
   */
  async checkOverdue(): Promise<number> {
    const today = chinaDate(epochMs(this.clock));
    let recorded = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.deps.store.financedUnpaid({ afterContractNo: after, limit: BATCH });
      for (const r of rows) {
        const acceptedOn = r.acceptedAt === null ? null : chinaDate(r.acceptedAt);
        const s = paymentStanding({ amountFen: r.amountFen, terms: r.terms, acceptedOn, paidFen: r.paidFen }, today, this.deps.rules);
        if (s.overdueSince === null || !r.financings.length) continue;
        const since = s.overdueSince;
        const purchaser = { name: r.purchaserName, region_code: r.purchaserRegionCode };
        const written = await this.deps.transactional(({ outbox }) =>
          outbox.recordTargeted({
            id: `payment.overdue/${r.contractNo}/${since}`,
            type: 'payment.overdue',
            contractNo: r.contractNo,
            payload: { contract_no: r.contractNo, due_on: since, overdue_amount: s.overdueFen },
            targets: r.financings.map((f) => ({
              institutionId: f.institutionId,
              applicationId: f.applicationId,
              data: {
                application_id: f.applicationId,
                contract_no: r.contractNo,
                ...(f.loanNo ? { loan_no: f.loanNo } : {}),
                due_on: since,
                ...(s.overdueMilestone ? { milestone: s.overdueMilestone } : {}),
                overdue_amount: s.overdueFen,
                contract_unpaid: Math.max(0, r.amountFen - r.paidFen),
                purchaser,
              },
            })),
          }),
        );
        if (written) recorded += 1;
      }
      if (rows.length < BATCH) return recorded;
      after = rows.at(-1)!.contractNo;
    }
  }

  private assess(r: PaymentRow & { financed: boolean }, today: string): LatePayment {
    const acceptedOn = chinaDate(r.acceptedAt!);
    const standing = paymentStanding({ amountFen: r.amountFen, terms: r.terms, acceptedOn, paidFen: r.paidFen }, today, this.deps.rules);
    return { ...r, acceptedOn, daysSinceAcceptance: Math.max(0, daysBetween(acceptedOn, today)), standing, late: standing.overdueFen > 0, financed: r.financed };
  }
}
