import type { Knex } from 'knex';
import type { RegionLevel } from '../../../seeds/regions.js';
import { toRegion as toNode, type RegionRow } from '../regions/regions-knex-store.js';
import { emptyCell, type CellSums, type Duration, type FiguresQuery, type RegionNode, type StatisticsStore } from './statistics-store.js';

// PostgreSQL answers count() and sum() over bigints as strings.
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Statistics over the financing tables in SQLite or PostgreSQL: GROUP BY in SQL, nothing per row in JS but durations. */
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

    const applications = await this.db('applications as a')
      .select(
        this.db.raw(
          `${cellColumns}, count(*) as n, sum(case when a.supplier_is_sme then 1 else 0 end) as sme, sum(a.requested_amount_fen) as fen`,
        ),
      )
      .whereIn('a.purchaser_region_code', codes)
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
    const decisions = await this.db('applications as a')
      .select(
        this.db.raw(
          `${cellColumns}, case when a.approved_amount_fen is null then 1 else 0 end as rejected, a.reason_code as reason, ` +
            'count(*) as n, sum(a.approved_amount_fen) as fen',
        ),
      )
      .whereIn('a.purchaser_region_code', codes)
      .where('a.decided_at', '>=', q.start)
      .where('a.decided_at', '<', q.end)
      .groupBy([...byCell, 'rejected', 'a.reason_code']);
    for (const r of decisions) {
      const c = cell(r.region, r.institution);
      if (!Number(r.rejected)) {
        c.approvals += num(r.n);
        c.approvedFen += num(r.fen);
      } else {
        const reason = (r.reason as string | null) ?? 'unspecified';
        c.rejections[reason] = (c.rejections[reason] ?? 0) + num(r.n);
      }
    }

    const disbursed = (from: number | undefined) => {
      const query = this.db('applications as a')
        .select(this.db.raw(`${cellColumns}, count(*) as n, sum(a.disbursed_fen) as fen`))
        .whereIn('a.purchaser_region_code', codes)
        .where('a.disbursed_at', '<', q.end)
        .groupBy(byCell);
      if (from !== undefined) query.where('a.disbursed_at', '>=', from);
      return query;
    };
    const repaid = (from: number | undefined) => {
      const query = this.db('repayments as m')
        .join('applications as a', 'a.id', 'm.application_id')
        .select(this.db.raw(`${cellColumns}, sum(m.amount_fen) as fen`))
        .whereIn('a.purchaser_region_code', codes)
        .where('m.created_at', '<', q.end)
        .groupBy(byCell);
      if (from !== undefined) query.where('m.created_at', '>=', from);
      return query;
    };
    for (const r of await disbursed(q.start)) {
      const c = cell(r.region, r.institution);
      c.disbursements = num(r.n);
      c.disbursedFen = num(r.fen);
    }
    for (const r of await repaid(q.start)) cell(r.region, r.institution).repaidFen = num(r.fen);
    if (q.outstanding) {
      for (const r of await disbursed(undefined)) cell(r.region, r.institution).outstandingFen += num(r.fen);
      for (const r of await repaid(undefined)) cell(r.region, r.institution).outstandingFen -= num(r.fen);
    }
    return [...cells.values()];
  }

  async durations(q: FiguresQuery): Promise<Duration[]> {
    const codes = [...q.regionCodes];
    const since = (column: 'decided_at' | 'disbursed_at') =>
      this.db('applications as a')
        .select(this.db.raw(`a.purchaser_region_code as r, a.institution_id as i, a.${column} - a.created_at as ms`))
        .whereIn('a.purchaser_region_code', codes)
        .where(`a.${column}`, '>=', q.start)
        .where(`a.${column}`, '<', q.end);
    const [decisions, disbursements] = [await since('decided_at'), await since('disbursed_at')];
    const out: Duration[] = new Array(decisions.length + disbursements.length);
    let n = 0;
    for (const r of decisions) out[n++] = { region: r.r, institution: r.i, kind: 'decision', ms: num(r.ms) };
    for (const r of disbursements) out[n++] = { region: r.r, institution: r.i, kind: 'disbursement', ms: num(r.ms) };
    return out;
  }

  async institutionNames(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!ids.length) return out;
    const rows = await this.db('institutions').select('client_id', 'name').whereIn('client_id', [...ids]);
    for (const r of rows) out.set(r.client_id as string, r.name as string);
    return out;
  }
}
