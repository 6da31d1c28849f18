import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { isoDate } from '../../http/fields.js';
import { specQuery, specType } from '../../http/spec-schema.js';
import { regionCode } from '../regions/regions-schemas.js';
import type { Dashboard, DashboardFigures } from './dashboard.js';
import type { Figures } from './figures.js';
import type { Period } from './period.js';
import type { MonthlyReport, RegionRef, Statistics } from './statistics-service.js';

type S = components['schemas'];

/** A calendar month, `YYYY-MM`. */
export const month = specType<S['Month']>()(z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM'));

/** Query of `getStatistics`: a month, or from and to, or neither (the previous month). */
export const statisticsQuery = specQuery<'getStatistics'>()(
  z
    .strictObject({ region: regionCode.optional(), month: month.optional(), from: isoDate.optional(), to: isoDate.optional() })
    .superRefine((q, ctx) => {
      if (q.month !== undefined && (q.from !== undefined || q.to !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['month'], message: 'give either month or from and to' });
      }
      if ((q.from === undefined) !== (q.to === undefined)) {
        ctx.addIssue({ code: 'custom', path: [q.from === undefined ? 'from' : 'to'], message: 'from and to go together' });
      }
    }),
);

/** Query of `getDashboard`. */
export const dashboardQuery = specQuery<'getDashboard'>()(
  z.strictObject({
    region: regionCode.optional(),
    level: z.enum(['region', 'league', 'county']).optional(),
    from: month.optional(),
    to: month.optional(),
  }),
);

/** Query of `getMonthlyReport`. */
export const monthlyReportQuery = specQuery<'getMonthlyReport'>()(z.strictObject({ region: regionCode.optional(), month: month.optional() }));

const iso = (ms: number) => new Date(ms).toISOString();

/** Period → wire. */
export const periodDto = (p: Period): S['StatisticsPeriod'] => ({ from: p.from, to: p.to, start: iso(p.start), end: iso(p.end) });

/** Region → wire. */
export const regionRefDto = (r: RegionRef): S['StatisticsRegion'] => ({ code: r.code, name: r.name, level: r.level });

/** Figures → wire. */
export function figuresDto(f: Figures): S['StatisticsFigures'] {
  return {
    applications: f.applications,
    sme_applications: f.smeApplications,
    sme_share_bp: f.smeShareBp,
    applied_amount: f.appliedFen,
    approvals: f.approvals,
    approved_amount: f.approvedFen,
    rejections: f.rejections,
    rejections_by_reason: f.rejectionsByReason,
    approval_rate_bp: f.approvalRateBp,
    disbursements: f.disbursements,
    disbursed_amount: f.disbursedFen,
    repaid_amount: f.repaidFen,
    outstanding_amount: f.outstandingFen,
    hours_to_decision: f.hoursToDecision,
    hours_to_disbursement: f.hoursToDisbursement,
    deadline_breaches: f.deadlineBreaches,
  };
}

/** Statistics → wire. */
export function statisticsDto(s: Statistics): S['Statistics'] {
  return {
    region: regionRefDto(s.region),
    period: periodDto(s.period),
    total: figuresDto(s.total),
    by_region: s.byRegion.map((r) => ({
      region_code: r.regionCode,
      region_name: r.regionName,
      own_level: r.ownLevel,
      ...figuresDto(r),
    })),
    by_institution: s.byInstitution.map((r) => ({
      institution_id: r.institutionId,
      institution_name: r.institutionName,
      ...figuresDto(r),
    })),
  };
}

/** Monthly report → wire (JSON). */
export function monthlyReportDto(r: MonthlyReport): S['MonthlyReport'] {
  return {
    region: regionRefDto(r.region),
    month: r.month,
    period: periodDto(r.period),
    institutions: r.institutions.map((i) => ({
      rank: i.rank,
      institution_id: i.institutionId,
      institution_name: i.institutionName,
      ...figuresDto(i),
    })),
    total: figuresDto(r.total),
  };
}

/** Dashboard figures → wire. */
export function dashboardFiguresDto(f: DashboardFigures): S['DashboardFigures'] {
  return {
    applications: f.applications,
    applied_amount: f.appliedFen,
    approvals: f.approvals,
    approved_amount: f.approvedFen,
    rejections: f.rejections,
    approval_rate_bp: f.approvalRateBp,
    disbursements: f.disbursements,
    disbursed_amount: f.disbursedFen,
    average_hours_to_decision: f.averageHoursToDecision,
    average_hours_to_disbursement: f.averageHoursToDisbursement,
  };
}

/** Dashboard → wire. */
export function dashboardDto(d: Dashboard): S['Dashboard'] {
  return {
    region: regionRefDto(d.region),
    level: d.level,
    from: d.from,
    to: d.to,
    total: dashboardFiguresDto(d.total),
    by_month: d.byMonth.map((m) => ({ month: m.month, ...dashboardFiguresDto(m) })),
    by_region: d.byRegion.map((r) => ({ region_code: r.regionCode, region_name: r.regionName, own_level: r.ownLevel, ...dashboardFiguresDto(r) })),
    by_institution: d.byInstitution.map((r) => ({
      institution_id: r.institutionId,
      institution_name: r.institutionName,
      ...dashboardFiguresDto(r),
    })),
    hours_to_disbursement: d.hoursToDisbursement.map((b) => ({ from_hours: b.fromHours, to_hours: b.toHours, count: b.count })),
  };
}
