import type { components } from '../../../generated/openapi.js';

type Row = components['schemas']['PublicStatisticsRow'];

/** One month of the published statistics, summed over the 盟市 whose figures are published. */
export interface MonthTotals {
  month: string;
  /** Sum of the published cells; `null` when every 盟市's figure of the month is withheld. */
  applications: number | null;
  approvals: number | null;
  disbursements: number | null;
  /** Integer fen. */
  disbursedAmount: number | null;
  /** How many 盟市 had at least one group of figures withheld (fewer than 5 events). */
  leaguesWithheld: number;
}

const add = (sum: number | null, value: number | null) => (value === null ? sum : (sum ?? 0) + value);

/**
 * The public statistics by month, in month order: each figure the sum of the 盟市 that publish it. A withheld
 * (small) cell adds nothing, so a month's sum is a lower bound wherever `leaguesWithheld` is above 0.
 */
export function monthlyTotals(rows: readonly Row[]): MonthTotals[] {
  const byMonth = new Map<string, MonthTotals>();
  for (const row of rows) {
    const m = byMonth.get(row.month) ?? {
      month: row.month,
      applications: null,
      approvals: null,
      disbursements: null,
      disbursedAmount: null,
      leaguesWithheld: 0,
    };
    m.applications = add(m.applications, row.applications);
    m.approvals = add(m.approvals, row.approvals);
    m.disbursements = add(m.disbursements, row.disbursements);
    m.disbursedAmount = add(m.disbursedAmount, row.disbursed_amount);
    if (row.suppressed.length > 0) m.leaguesWithheld += 1;
    byMonth.set(row.month, m);
  }
  return [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/** Whether any figure at all is published (otherwise the page says so instead of drawing an empty chart). */
export function hasPublishedFigures(months: readonly MonthTotals[]): boolean {
  return months.some((m) => m.applications !== null || m.approvals !== null || m.disbursements !== null);
}
