import { emptyCell, type CellSums } from './statistics-store.js';

/** Nearest-rank summary of durations in hours, one decimal; nulls when there are none. */
export interface HoursSummary {
  count: number;
  median: number | null;
  p90: number | null;
}

/** One group's figures: additive sums plus the rates and hours derived from them. */
export interface Figures {
  applications: number;
  smeApplications: number;
  smeShareBp: number | null;
  appliedFen: number;
  approvals: number;
  approvedFen: number;
  rejections: number;
  rejectionsByReason: Record<string, number>;
  approvalRateBp: number | null;
  disbursements: number;
  disbursedFen: number;
  repaidFen: number;
  outstandingFen: number;
  hoursToDecision: HoursSummary;
  hoursToDisbursement: HoursSummary;
  deadlineBreaches: number;
}

const ADDITIVE = [
  'applications', 'smeApplications', 'appliedFen', 'approvals', 'approvedFen', 'disbursements', 'disbursedFen', 'repaidFen', 'outstandingFen',
  'deadlineBreaches',
] as const;

/** Accumulates cells and durations into one group. */
export class FiguresBuilder {
  private sums = emptyCell('', '');
  private decisionMs: number[] = [];
  private disbursementMs: number[] = [];

  /** True once a cell or a duration was added: the group had business. */
  touched = false;

  addCell(c: CellSums): void {
    this.touched = true;
    const s = this.sums;
    for (const k of ADDITIVE) s[k] += c[k];
    for (const [reason, n] of Object.entries(c.rejections)) s.rejections[reason] = (s.rejections[reason] ?? 0) + n;
    for (const ms of c.decisionMs) this.decisionMs.push(ms);
    for (const ms of c.disbursementMs) this.disbursementMs.push(ms);
  }

  build(): Figures {
    const s = this.sums;
    const reasons = Object.fromEntries(Object.entries(this.sums.rejections).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const rejections = Object.values(reasons).reduce((a, b) => a + b, 0);
    return {
      applications: s.applications,
      smeApplications: s.smeApplications,
      appliedFen: s.appliedFen,
      approvals: s.approvals,
      approvedFen: s.approvedFen,
      disbursements: s.disbursements,
      disbursedFen: s.disbursedFen,
      repaidFen: s.repaidFen,
      outstandingFen: s.outstandingFen,
      smeShareBp: ratioBp(s.smeApplications, s.applications),
      rejections,
      rejectionsByReason: reasons,
      approvalRateBp: ratioBp(s.approvals, s.approvals + rejections),
      hoursToDecision: hoursSummary(this.decisionMs),
      hoursToDisbursement: hoursSummary(this.disbursementMs),
      deadlineBreaches: s.deadlineBreaches,
    };
  }
}

/** `part / whole` in basis points, rounded half up, in integers only; null when `whole` is 0. */
export function ratioBp(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.floor((part * 20_000 + whole) / (2 * whole));
}

/** Milliseconds as hours rounded half up to one decimal. */
export function tenthsOfHours(ms: number): number {
  return Math.floor((Math.max(0, ms) + 180_000) / 360_000) / 10;
}

/** The nearest-rank percentile (`pct` in whole percent) of ascending `sorted`: the value at rank ⌈pct·n/100⌉. */
export function nearestRank(sorted: ArrayLike<number>, pct: number): number {
  const rank = Math.max(1, Math.floor((pct * sorted.length + 99) / 100));
  return sorted[rank - 1]!;
}

/** Count, median and 90th percentile (nearest rank) of durations in ms, as hours. */
export function hoursSummary(ms: readonly number[]): HoursSummary {
  if (!ms.length) return { count: 0, median: null, p90: null };
  const sorted = Float64Array.from(ms).sort();
  return { count: ms.length, median: tenthsOfHours(nearestRank(sorted, 50)), p90: tenthsOfHours(nearestRank(sorted, 90)) };
}
