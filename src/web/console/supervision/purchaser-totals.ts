import type { components } from '../../../generated/openapi.js';

/** One purchaser's late payments on a page: how many contracts, how much overdue (fen), the longest delay. */
export interface PurchaserTotal {
  purchaser: string;
  contracts: number;
  overdueFen: number;
  maxDaysOverdue: number;
}

/** Sums a page of late payments per purchaser, the most overdue first; integer fen throughout. */
export function byPurchaser(items: readonly components['schemas']['LatePayment'][]): PurchaserTotal[] {
  const out = new Map<string, PurchaserTotal>();
  for (const p of items) {
    const t = out.get(p.purchaser.name) ?? { purchaser: p.purchaser.name, contracts: 0, overdueFen: 0, maxDaysOverdue: 0 };
    t.contracts += 1;
    t.overdueFen += p.overdue_amount;
    t.maxDaysOverdue = Math.max(t.maxDaysOverdue, p.days_overdue);
    out.set(p.purchaser.name, t);
  }
  return [...out.values()].sort((a, b) => b.overdueFen - a.overdueFen || a.purchaser.localeCompare(b.purchaser));
}
