import type { Knex } from 'knex';
import { isPostgres } from '../../db/knex.js';
import type { RegionLevel } from '../../../seeds/regions.js';
import { toRegion as toNode, type RegionRow } from '../regions/regions-knex-store.js';
import {
  emptyCell,
  emptyDashboardCell,
  FUNDS_BANDS_HOURS,
  type CellSums,
  type DashboardCell,
  type DashboardQuery,
  type FiguresQuery,
  type RegionNode,
  type StatisticsStore,
} from './statistics-store.js';

// PostgreSQL answers count() and sum() over bigints as strings.
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Appends the integers of a comma-separated list (or nothing for NULL) to `out`. */
function pushList(out: number[], list: unknown): void {
  if (list === null || list === undefined || list === '') return;
  for (const v of String(list).split(',')) out.push(Number(v));
}

/** Statistics over the financing tables in SQLite or PostgreSQL: GROUP BY in SQL, nothing per row in JS. */
export class KnexStatisticsStore implements StatisticsStore {
  constructor(private readonly db: Knex) {}

  async regionsUnder(root: string): Promise<RegionNode[]> {
    const children = this.db('regions').select('code').where('parent_code', root);
    const rows = await this.db<RegionRow>('regions')
      .select('code', 'name', 'level', 'parent_code')
      .where('code', root)
      .orWhere('parent_code', root)
      .orWhereIn('parent_code', children)
      .orderBy('code');
    return rows.map(toNode);
  }

  async regionsAt(level: RegionLevel): Promise<RegionNode[]> {
    const rows = await this.db<RegionRow>('regions').select('code', 'name', 'level', 'parent_code').where({ level }).orderBy('code');
    return rows.map(toNode);
  }

  async cells(q: FiguresQuery): Promise<CellSums[]> {
    const db = this.db;
    const codes = [...q.regionCodes];
    const cells = new Map<string, CellSums>();
    const cell = (region: string, institution: string): CellSums => {
      const key = `${region}\u0000${institution}`;
      let c = cells.get(key);
      if (!c) {
        c = emptyCell(region, institution);
        cells.set(key, c);
      }
      return c;
    };
    const byCell = ['a.purchaser_region_code', 'a.institution_id'];
    const cellColumns = 'a.purchaser_region_code as region, a.institution_id as institution';
    // With both the regions and the institutions listed, each cell is one range of the statistics indices (015),
    // read in the order GROUP BY wants: no sort of the rows read.
    const ids = await this.applicationInstitutions();
    // Durations travel as one comma-separated list per group: a row per application costs more to hand from
    // the database to JS than the database takes to read it. NULLs are left out of the list.
    const msList = (expr: string) => (isPostgres(db) ? `string_agg((${expr})::text, ',')` : `group_concat(${expr}, ',')`);

    const applications = await db('applications as a')
      .select(
        db.raw(`${cellColumns}, count(*) as n, sum(case when a.supplier_is_sme then 1 else 0 end) as sme, sum(a.requested_amount_fen) as fen`),
      )
      .whereIn('a.purchaser_region_code', codes)
      .whereIn('a.institution_id', ids)
      .where('a.created_at', '>=', q.start)
      .where('a.created_at', '<', q.end)
      .groupBy(byCell);
    for (const r of applications) {
      const c = cell(r.region, r.institution);
      c.applications = num(r.n);
      c.smeApplications = num(r.sme);
      c.appliedFen = num(r.fen);
    }

    // The financing service writes decided_at and the approved amount with the `approved` or `rejected`
    // transition, and disbursed_at with the disbursement, in the same transaction: reading them here counts an
    // application as approved once it reached `approved`, whatever became of it later, without a join.
    const decisions = await db('applications as a')
      .select(
        db.raw(
          `${cellColumns}, count(a.approved_amount_fen) as approvals, sum(a.approved_amount_fen) as fen, ` +
            `${msList('a.decided_at - a.created_at')} as ms`,
        ),
      )
      .whereIn('a.purchaser_region_code', codes)
      .whereIn('a.institution_id', ids)
      .where('a.decided_at', '>=', q.start)
      .where('a.decided_at', '<', q.end)
      .groupBy(byCell);
    for (const r of decisions) {
      const c = cell(r.region, r.institution);
      c.approvals = num(r.approvals);
      c.approvedFen = num(r.fen);
      pushList(c.decisionMs, r.ms);
    }
    // Only the rejections are grouped by reason, so only they are sorted.
    const rejections = await db('applications as a')
      .select(db.raw(`${cellColumns}, a.reason_code as reason, count(*) as n`))
      .whereIn('a.purchaser_region_code', codes)
      .whereIn('a.institution_id', ids)
      .where('a.decided_at', '>=', q.start)
      .where('a.decided_at', '<', q.end)
      .whereNull('a.approved_amount_fen')
      .groupBy([...byCell, 'a.reason_code']);
    for (const r of rejections) {
      const c = cell(r.region, r.institution);
      const reason = (r.reason as string | null) ?? 'unspecified';
      c.rejections[reason] = (c.rejections[reason] ?? 0) + num(r.n);
    }

    // The period's disbursements and, for the balance outstanding, everything disbursed before its end: one scan.
    const disbursed = db('applications as a')
      .select(
        db.raw(
          `${cellColumns}, sum(case when a.disbursed_at >= ? then 1 else 0 end) as n, ` +
            'sum(case when a.disbursed_at >= ? then a.disbursed_fen else 0 end) as fen, sum(a.disbursed_fen) as total, ' +
            `${msList('case when a.disbursed_at >= ? then a.disbursed_at - a.created_at end')} as ms`,
          [q.start, q.start, q.start],
        ),
      )
      .whereIn('a.purchaser_region_code', codes)
      .whereIn('a.institution_id', ids)
      .where('a.disbursed_at', '<', q.end)
      .groupBy(byCell);
    if (!q.outstanding) disbursed.where('a.disbursed_at', '>=', q.start);
    for (const r of await disbursed) {
      const c = cell(r.region, r.institution);
      c.disbursements = num(r.n);
      c.disbursedFen = num(r.fen);
      pushList(c.disbursementMs, r.ms);
      if (q.outstanding) c.outstandingFen += num(r.total);
    }

    // Each repayment carries its application's region and institution (015): no lookup of the application.
    const repaid = db('repayments as m')
      .select(
        db.raw(
          'm.region_code as region, m.institution_id as institution, ' +
            'sum(case when m.created_at >= ? then m.amount_fen else 0 end) as fen, sum(m.amount_fen) as total',
          [q.start],
        ),
      )
      .whereIn('m.region_code', codes)
      .whereIn('m.institution_id', ids)
      .where('m.created_at', '<', q.end)
      .groupBy(['m.region_code', 'm.institution_id']);
    if (!q.outstanding) repaid.where('m.created_at', '>=', q.start);
    for (const r of await repaid) {
      const c = cell(r.region, r.institution);
      c.repaidFen = num(r.fen);
      if (q.outstanding) c.outstandingFen -= num(r.total);
    }
    // Policy deadlines missed in the period, by the purchaser's region and the bank that missed them.
    const breaches = await db('deadline_breaches')
      .select(db.raw('region_code as region, institution_id as institution, count(*) as n'))
      .whereIn('region_code', codes)
      .where('recorded_at', '>=', q.start)
      .where('recorded_at', '<', q.end)
      .groupBy(['region_code', 'institution_id']);
    for (const r of breaches) cell(r.region, r.institution).deadlineBreaches = num(r.n);
    return [...cells.values()];
  }

  async dashboardCells(q: DashboardQuery): Promise<DashboardCell[]> {
    const db = this.db;
    const codes = [...q.regionCodes];
    const { bounds } = q;
    const ids = await this.applicationInstitutions();
    const out: DashboardCell[] = [];
    const by = ['a.purchaser_region_code', 'a.institution_id'];
    const cellColumns = 'a.purchaser_region_code as region, a.institution_id as institution';
    const bandLimits = FUNDS_BANDS_HOURS.map((h) => h * 3_600_000);
    // A month at a time: each cell of a month is one range of the statistics indices (015), read in group order,
    // where grouping by a month computed per row would sort every row read.
    for (let month = 0; month < bounds.length - 1; month++) {
      const [start, end] = [bounds[month]!, bounds[month + 1]!];
      const cells = new Map<string, DashboardCell>();
      const cell = (region: string, institution: string): DashboardCell => {
        const key = `${region}\u0000${institution}`;
        let c = cells.get(key);
        if (!c) cells.set(key, (c = emptyDashboardCell(region, institution, month)));
        return c;
      };
      const within = (column: string) =>
        db('applications as a').whereIn('a.purchaser_region_code', codes).whereIn('a.institution_id', ids).where(column, '>=', start).where(column, '<', end);

      const applications = await within('a.created_at')
        .select(db.raw(`${cellColumns}, count(*) as n, sum(a.requested_amount_fen) as fen`))
        .groupBy(by);
      for (const r of applications) {
        const c = cell(r.region, r.institution);
        c.applications = num(r.n);
        c.appliedFen = num(r.fen);
      }

      const decisions = await within('a.decided_at')
        .select(
          db.raw(
            `${cellColumns}, count(a.approved_amount_fen) as approvals, count(*) as n, ` +
              'sum(a.approved_amount_fen) as fen, sum(a.decided_at - a.created_at) as ms',
          ),
        )
        .groupBy(by);
      for (const r of decisions) {
        const c = cell(r.region, r.institution);
        c.approvals = num(r.approvals);
        c.rejections = num(r.n) - c.approvals;
        c.approvedFen = num(r.fen);
        c.decisionMs = num(r.ms);
      }

      const disbursed = await within('a.disbursed_at')
        .select(
          db.raw(
            `${cellColumns}, count(*) as n, sum(a.disbursed_fen) as fen, sum(a.disbursed_at - a.created_at) as ms, ` +
              bandLimits.map((_, i) => `sum(case when a.disbursed_at - a.created_at < ? then 1 else 0 end) as b${i}`).join(', '),
            bandLimits,
          ),
        )
        .groupBy(by);
      for (const r of disbursed) {
        const c = cell(r.region, r.institution);
        c.disbursements = num(r.n);
        c.disbursedFen = num(r.fen);
        c.disbursementMs = num(r.ms);
        // The SQL counts are cumulative (below each limit); the bands are their differences.
        let below = 0;
        bandLimits.forEach((_, i) => {
          const upTo = num(r[`b${i}`]);
          c.fundsBands[i] = upTo - below;
          below = upTo;
        });
        c.fundsBands[bandLimits.length] = c.disbursements - below;
      }
      out.push(...cells.values());
    }
    return out;
  }

  /**
   * Every institution that has an application, in order: a loose scan of the (institution_id, created_at) index
   * (004), one seek per institution rather than a read of every application. Listing them lets the statistics
   * queries name each cell's range.
   */
  private async applicationInstitutions(): Promise<string[]> {
    const next =
      'select min(institution_id) from applications union all ' +
      'select (select min(institution_id) from applications where institution_id > i.id) from i where i.id is not null';
    const rows = await this.db.withRecursive('i', ['id'], this.db.raw(next)).select('id').from('i').whereNotNull('id');
    return rows.map((r) => r.id as string);
  }

  async institutionNames(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!ids.length) return out;
    const rows = await this.db('institutions').select('client_id', 'name').whereIn('client_id', [...ids]);
    for (const r of rows) out.set(r.client_id as string, r.name as string);
    return out;
  }
}
