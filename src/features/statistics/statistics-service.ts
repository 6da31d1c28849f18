import { epochMs, systemClock, type Clock } from '../../clock.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { OutsideRegionError } from '../institutions/institutions-service.js';
import { DashboardSums, type Dashboard } from './dashboard.js';
import { FiguresBuilder, type Figures } from './figures.js';
import { addMonths, monthOf, monthPeriod, previousMonth, type Period } from './period.js';
import type { RegionLevel } from '../../../seeds/regions.js';
import type { RegionNode, StatisticsStore } from './statistics-store.js';

const LEVELS: readonly RegionLevel[] = ['region', 'league', 'county'];

/** Months the dashboard shows at once, at most. */
export const DASHBOARD_MAX_MONTHS = 24;

/** The region a statistic is about. */
export interface RegionRef {
  code: string;
  name: string;
  level: RegionNode['level'];
}

/** `getStatistics`: totals, per child region and per institution. */
export interface Statistics {
  region: RegionRef;
  period: Period;
  total: Figures;
  byRegion: (Figures & { regionCode: string; regionName: string; ownLevel: boolean })[];
  byInstitution: (Figures & { institutionId: string; institutionName: string })[];
}

/** `getMonthlyReport`: institutions ranked slowest to decide first. */
export interface MonthlyReport {
  region: RegionRef;
  month: string;
  period: Period;
  institutions: (Figures & { rank: number; institutionId: string; institutionName: string })[];
  total: Figures;
}

/** Counts this small or smaller are withheld from the public. */
export const PUBLIC_MIN_CELL = 5;

/** One published cell: a 盟市 and a month; each group is null when fewer than {@link PUBLIC_MIN_CELL} events make it. */
export interface PublicCell {
  leagueCode: string;
  leagueName: string;
  month: string;
  applications: { count: number; smeShareBp: number | null; appliedFen: number } | null;
  approvals: { count: number; approvedFen: number } | null;
  disbursements: { count: number; disbursedFen: number; medianHours: number | null } | null;
}

/** Who asks: a bureau (its subtree only) or the operator at the command line (everything). */
export type Viewer = BureauPrincipal | 'operator';

/** Supervision statistics, the monthly report and the published aggregates. */
export class StatisticsService {
  constructor(
    private readonly store: StatisticsStore,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): number {
    return epochMs(this.clock);
  }

  /** The previous calendar month in UTC+08:00. */
  previousMonth(): string {
    return previousMonth(this.now());
  }

  /** Figures of `regionCode` (default: the bureau's region) for `period`, rolled up per child region and institution. */
  async statistics(viewer: Viewer, regionCode: string | undefined, period: Period): Promise<Statistics> {
    const code = regionCode ?? (viewer === 'operator' ? '150000' : viewer.regionCode);
    const tree = await this.store.regionsUnder(code);
    const root = tree.find((r) => r.code === code);
    if (!root) throw new NotFoundError('region_not_found', `No region has the code ${code}.`);
    if (viewer !== 'operator' && !(await this.within(code, viewer.regionCode))) throw new OutsideRegionError();

    // Each region of the subtree rolls up into the child of the root it lies under (or into the root itself).
    const childOf = new Map<string, string>();
    for (const r of tree) if (r.parentCode === code) childOf.set(r.code, r.code);
    for (const r of tree) if (r.code !== code && !childOf.has(r.code)) childOf.set(r.code, childOf.get(r.parentCode!) ?? code);
    childOf.set(code, code);

    const q = { regionCodes: tree.map((r) => r.code), start: period.start, end: period.end, outstanding: true };
    const cells = await this.store.cells(q);
    const total = new FiguresBuilder();
    const regions = new Map<string, FiguresBuilder>();
    const institutions = new Map<string, FiguresBuilder>();
    const group = <K>(m: Map<K, FiguresBuilder>, key: K) => {
      let b = m.get(key);
      if (!b) m.set(key, (b = new FiguresBuilder()));
      return b;
    };
    for (const r of tree) if (r.parentCode === code) group(regions, r.code);
    for (const c of cells) {
      total.addCell(c);
      group(regions, childOf.get(c.region)!).addCell(c);
      group(institutions, c.institution).addCell(c);
    }
    const names = await this.store.institutionNames([...institutions.keys()]);
    const byName = new Map(tree.map((r) => [r.code, r.name]));
    const own = regions.get(code);
    return {
      region: { code: root.code, name: root.name, level: root.level },
      period,
      total: total.build(),
      byRegion: [
        ...[...regions.entries()]
          .filter(([k]) => k !== code)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, b]) => ({ regionCode: k, regionName: byName.get(k) ?? '', ownLevel: false, ...b.build() })),
        ...(own?.touched ? [{ regionCode: code, regionName: root.name, ownLevel: true, ...own.build() }] : []),
      ],
      byInstitution: [...institutions.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, b]) => ({ institutionId: k, institutionName: names.get(k) ?? '', ...b.build() })),
    };
  }

  /**
   * The dashboard of `regionCode` (default: the bureau's region) from month `from` to `to` (default: the twelve
   * months up to the current one), with `byRegion` grouped by the regions of `level` (default: the level below).
   */
  async dashboard(viewer: Viewer, q: { region?: string; level?: RegionLevel; from?: string; to?: string }): Promise<Dashboard> {
    if ((q.from === undefined) !== (q.to === undefined)) {
      throw new ValidationError([{ in: 'query', pointer: q.from === undefined ? '/from' : '/to', detail: 'from and to go together' }]);
    }
    const to = q.to ?? monthOf(this.now());
    const from = q.from ?? addMonths(to, -11);
    if (from > to) throw new ValidationError([{ in: 'query', pointer: '/from', detail: 'must not be after to' }]);
    if (addMonths(from, DASHBOARD_MAX_MONTHS - 1) < to) {
      throw new ValidationError([{ in: 'query', pointer: '/from', detail: `at most ${DASHBOARD_MAX_MONTHS} months at once` }]);
    }

    const code = q.region ?? (viewer === 'operator' ? '150000' : viewer.regionCode);
    const tree = await this.store.regionsUnder(code);
    const root = tree.find((r) => r.code === code);
    if (!root) throw new NotFoundError('region_not_found', `No region has the code ${code}.`);
    if (viewer !== 'operator' && !(await this.within(code, viewer.regionCode))) throw new OutsideRegionError();
    const rootRank = LEVELS.indexOf(root.level);
    const level = q.level ?? LEVELS[Math.min(rootRank + 1, LEVELS.length - 1)]!;
    if (LEVELS.indexOf(level) < rootRank) {
      throw new ValidationError([{ in: 'query', pointer: '/level', detail: `must not be above the region's own level (${root.level})` }]);
    }

    // Each region of the subtree counts for its ancestor-or-self at `level`; one above that level counts for itself.
    const byCode = new Map(tree.map((r) => [r.code, r]));
    const groupOf = new Map<string, string>();
    for (const r of tree) {
      let at: RegionNode | undefined = r;
      while (at && LEVELS.indexOf(at.level) > LEVELS.indexOf(level)) at = at.parentCode ? byCode.get(at.parentCode) : undefined;
      groupOf.set(r.code, at && at.level === level ? at.code : r.code);
    }

    const months: string[] = [];
    for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
    const bounds = [...months.map((m) => monthPeriod(m).start), monthPeriod(to).end];
    const cells = await this.store.dashboardCells({ regionCodes: tree.map((r) => r.code), bounds });

    const total = new DashboardSums();
    const perMonth = months.map(() => new DashboardSums());
    const regions = new Map<string, DashboardSums>();
    const institutions = new Map<string, DashboardSums>();
    const group = <K>(m: Map<K, DashboardSums>, key: K) => {
      let b = m.get(key);
      if (!b) m.set(key, (b = new DashboardSums()));
      return b;
    };
    for (const r of tree) if (r.level === level) group(regions, r.code);
    for (const c of cells) {
      total.add(c);
      perMonth[c.month]!.add(c);
      group(regions, groupOf.get(c.region)!).add(c);
      group(institutions, c.institution).add(c);
    }
    const names = await this.store.institutionNames([...institutions.keys()]);
    const entries = [...regions.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const isOwn = (k: string) => byCode.get(k)!.level !== level;
    return {
      region: { code: root.code, name: root.name, level: root.level },
      level,
      from,
      to,
      total: total.build(),
      byMonth: months.map((month, i) => ({ month, ...perMonth[i]!.build() })),
      byRegion: [...entries.filter(([k]) => !isOwn(k)), ...entries.filter(([k]) => isOwn(k))].map(([k, b]) => ({
        regionCode: k,
        regionName: byCode.get(k)!.name,
        ownLevel: isOwn(k),
        ...b.build(),
      })),
      byInstitution: [...institutions.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, b]) => ({ institutionId: k, institutionName: names.get(k) ?? '', ...b.build() })),
      hoursToDisbursement: total.bands(),
    };
  }

  /** One month's figures per institution, ranked by median hours to decision, slowest first. */
  async monthlyReport(viewer: Viewer, regionCode: string | undefined, month: string | undefined): Promise<MonthlyReport> {
    const m = month ?? this.previousMonth();
    const stats = await this.statistics(viewer, regionCode, monthPeriod(m));
    const slowerFirst = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);
    const ranked = [...stats.byInstitution].sort(
      (a, b) =>
        slowerFirst(a.hoursToDecision.median, b.hoursToDecision.median) ||
        slowerFirst(a.hoursToDecision.p90, b.hoursToDecision.p90) ||
        (a.institutionId < b.institutionId ? -1 : 1),
    );
    return {
      region: stats.region,
      month: m,
      period: stats.period,
      institutions: ranked.map((r, i) => ({ rank: i + 1, ...r })),
      total: stats.total,
    };
  }

  /**
   * Aggregates per 盟市 and complete month, small cells withheld. Default: the twelve months up to the previous one.
   */
  async publicStatistics(q: { from?: string; to?: string; league?: string }): Promise<{ from: string; to: string; cells: PublicCell[] }> {
    const current = monthOf(this.now());
    const to = q.to ?? addMonths(current, -1);
    const from = q.from ?? addMonths(to, -11);
    if (to >= current) throw new ValidationError([{ in: 'query', pointer: '/to', detail: 'only complete months are published' }]);
    if (from > to) throw new ValidationError([{ in: 'query', pointer: '/from', detail: 'must not be after to' }]);
    if (addMonths(from, 23) < to) throw new ValidationError([{ in: 'query', pointer: '/from', detail: 'at most 24 months at once' }]);

    const leagues = (await this.store.regionsAt('league')).filter((l) => q.league === undefined || l.code === q.league);
    const trees = await Promise.all(leagues.map((l) => this.store.regionsUnder(l.code)));
    const leagueOf = new Map<string, string>();
    leagues.forEach((l, i) => trees[i]!.forEach((r) => leagueOf.set(r.code, l.code)));
    const codes = [...leagueOf.keys()];

    const cells: PublicCell[] = [];
    for (let month = from; month <= to; month = addMonths(month, 1)) {
      const p = monthPeriod(month);
      const query = { regionCodes: codes, start: p.start, end: p.end, outstanding: false };
      const sums = await this.store.cells(query);
      const groups = new Map(leagues.map((l) => [l.code, new FiguresBuilder()]));
      // Only the disbursement hours are published; the decision hours a cell carries are not read.
      for (const c of sums) groups.get(leagueOf.get(c.region)!)!.addCell(c);
      for (const l of leagues) {
        const f = groups.get(l.code)!.build();
        cells.push({
          leagueCode: l.code,
          leagueName: l.name,
          month,
          applications:
            f.applications >= PUBLIC_MIN_CELL ? { count: f.applications, smeShareBp: f.smeShareBp, appliedFen: f.appliedFen } : null,
          approvals: f.approvals >= PUBLIC_MIN_CELL ? { count: f.approvals, approvedFen: f.approvedFen } : null,
          disbursements:
            f.disbursements >= PUBLIC_MIN_CELL
              ? { count: f.disbursements, disbursedFen: f.disbursedFen, medianHours: f.hoursToDisbursement.median }
              : null,
        });
      }
    }
    return { from, to, cells };
  }

  private async within(code: string, root: string): Promise<boolean> {
    if (code === root) return true;
    return (await this.store.regionsUnder(root)).some((r) => r.code === code);
  }
}
