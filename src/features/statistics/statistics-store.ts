import type { RegionLevel } from '../../../seeds/regions.js';
import type { Region } from '../regions/regions-store.js';

/** A region of the tree statistics are rolled up over. */
export type RegionNode = Region;

/** Which business to count: purchasers in these regions, events in [start, end) (epoch ms). */
export interface FiguresQuery {
  regionCodes: readonly string[];
  start: number;
  end: number;
  /** Also compute the balance outstanding at `end` (a scan of all money ever reported). */
  outstanding: boolean;
}

/** Sums of one (purchaser region, institution) cell; a kind of event the cell had none of is 0. */
export interface CellSums {
  region: string;
  institution: string;
  applications: number;
  smeApplications: number;
  appliedFen: number;
  approvals: number;
  approvedFen: number;
  disbursements: number;
  disbursedFen: number;
  repaidFen: number;
  outstandingFen: number;
  /** Rejections per reason code. */
  rejections: Record<string, number>;
  /** Milliseconds from submission to decision of each application decided in the period, in no order. */
  decisionMs: number[];
  /** Milliseconds from submission to disbursement of each application disbursed in the period, in no order. */
  disbursementMs: number[];
  /** Policy deadlines recorded as missed in the period. */
  deadlineBreaches: number;
}

/** A cell with nothing in it yet. */
export const emptyCell = (region: string, institution: string): CellSums => ({
  region,
  institution,
  applications: 0,
  smeApplications: 0,
  appliedFen: 0,
  approvals: 0,
  approvedFen: 0,
  disbursements: 0,
  disbursedFen: 0,
  repaidFen: 0,
  outstandingFen: 0,
  rejections: {},
  decisionMs: [],
  disbursementMs: [],
  deadlineBreaches: 0,
});

/** Upper bounds, in hours, of the dashboard's bands of hours from submission to disbursement (the last band is open). */
export const FUNDS_BANDS_HOURS = [24, 48, 72, 120, 168, 336] as const;

/** Which business the dashboard counts: purchasers in these regions, events in consecutive months. */
export interface DashboardQuery {
  regionCodes: readonly string[];
  /** Epoch ms: the start of each month, then the end of the last; an event in [bounds[i], bounds[i+1]) is month i. */
  bounds: readonly number[];
}

/** Sums of one (purchaser region, institution, month) cell of the dashboard, all computed in SQL. */
export interface DashboardCell {
  region: string;
  institution: string;
  /** Index of the month in the query's bounds. */
  month: number;
  applications: number;
  appliedFen: number;
  approvals: number;
  approvedFen: number;
  rejections: number;
  /** Sum of the milliseconds from submission to decision over approvals and rejections. */
  decisionMs: number;
  disbursements: number;
  disbursedFen: number;
  /** Sum of the milliseconds from submission to disbursement. */
  disbursementMs: number;
  /** Disbursements per band of {@link FUNDS_BANDS_HOURS}, one more entry than bounds (the open band). */
  fundsBands: number[];
}

/** A dashboard cell with nothing in it yet. */
export const emptyDashboardCell = (region: string, institution: string, month: number): DashboardCell => ({
  region,
  institution,
  month,
  applications: 0,
  appliedFen: 0,
  approvals: 0,
  approvedFen: 0,
  rejections: 0,
  decisionMs: 0,
  disbursements: 0,
  disbursedFen: 0,
  disbursementMs: 0,
  fundsBands: FUNDS_BANDS_HOURS.map(() => 0).concat(0),
});

/** What statistics read: SQL sums per cell, with the durations percentiles need. */
export interface StatisticsStore {
  /** `root` and every region below it. */
  regionsUnder(root: string): Promise<RegionNode[]>;
  /** Regions of one level. */
  regionsAt(level: RegionLevel): Promise<RegionNode[]>;
  cells(q: FiguresQuery): Promise<CellSums[]>;
  /** The dashboard's sums per region, institution and month: one grouped scan per kind of event, no rows to JS. */
  dashboardCells(q: DashboardQuery): Promise<DashboardCell[]>;
  /** Names of institutions by id; unknown ids are absent. */
  institutionNames(ids: readonly string[]): Promise<Map<string, string>>;
}
