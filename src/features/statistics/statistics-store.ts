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

/** What statistics read: SQL sums per cell, with the durations percentiles need. */
export interface StatisticsStore {
  /** `root` and every region below it. */
  regionsUnder(root: string): Promise<RegionNode[]>;
  /** Regions of one level. */
  regionsAt(level: RegionLevel): Promise<RegionNode[]>;
  cells(q: FiguresQuery): Promise<CellSums[]>;
  /** Names of institutions by id; unknown ids are absent. */
  institutionNames(ids: readonly string[]): Promise<Map<string, string>>;
}
