import { ratioBp } from './figures.js';
import { emptyDashboardCell, FUNDS_BANDS_HOURS, type DashboardCell } from './statistics-store.js';
import type { RegionRef } from './statistics-service.js';
import type { RegionLevel } from '../../../seeds/regions.js';

/** One group's dashboard figures: sums, the approval rate and mean hours. */
export interface DashboardFigures {
  applications: number;
  appliedFen: number;
  approvals: number;
  approvedFen: number;
  rejections: number;
  approvalRateBp: number | null;
  disbursements: number;
  disbursedFen: number;
  averageHoursToDecision: number | null;
  averageHoursToDisbursement: number | null;
}

/** `getDashboard`: a run of months in a region, in total, per month, per region of a level and per institution. */
export interface Dashboard {
  region: RegionRef;
  level: RegionLevel;
  from: string;
  to: string;
  total: DashboardFigures;
  byMonth: (DashboardFigures & { month: string })[];
  byRegion: (DashboardFigures & { regionCode: string; regionName: string; ownLevel: boolean })[];
  byInstitution: (DashboardFigures & { institutionId: string; institutionName: string })[];
  hoursToDisbursement: { fromHours: number; toHours: number | null; count: number }[];
}

/** Mean of `totalMs` over `count` in hours rounded half up to one decimal, in integers; null when `count` is 0. */
export function meanTenthsOfHours(totalMs: number, count: number): number | null {
  if (count === 0) return null;
  // round(total / count / 360000) tenths, without a fraction on the way.
  return Math.floor((2 * Math.max(0, totalMs) + 360_000 * count) / (720_000 * count)) / 10;
}

/** Adds dashboard cells into one group. */
export class DashboardSums {
  readonly sums = emptyDashboardCell('', '', 0);

  add(c: DashboardCell): void {
    const s = this.sums;
    s.applications += c.applications;
    s.appliedFen += c.appliedFen;
    s.approvals += c.approvals;
    s.approvedFen += c.approvedFen;
    s.rejections += c.rejections;
    s.decisionMs += c.decisionMs;
    s.disbursements += c.disbursements;
    s.disbursedFen += c.disbursedFen;
    s.disbursementMs += c.disbursementMs;
    c.fundsBands.forEach((n, i) => (s.fundsBands[i]! += n));
  }

  build(): DashboardFigures {
    const s = this.sums;
    return {
      applications: s.applications,
      appliedFen: s.appliedFen,
      approvals: s.approvals,
      approvedFen: s.approvedFen,
      rejections: s.rejections,
      approvalRateBp: ratioBp(s.approvals, s.approvals + s.rejections),
      disbursements: s.disbursements,
      disbursedFen: s.disbursedFen,
      averageHoursToDecision: meanTenthsOfHours(s.decisionMs, s.approvals + s.rejections),
      averageHoursToDisbursement: meanTenthsOfHours(s.disbursementMs, s.disbursements),
    };
  }

  /** The bands of hours to disbursement with their counts. */
  bands(): Dashboard['hoursToDisbursement'] {
    return this.sums.fundsBands.map((count, i) => ({
      fromHours: i === 0 ? 0 : FUNDS_BANDS_HOURS[i - 1]!,
      toHours: FUNDS_BANDS_HOURS[i] ?? null,
      count,
    }));
  }
}
