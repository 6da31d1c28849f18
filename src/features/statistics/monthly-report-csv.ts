import type { Figures } from './figures.js';
import type { MonthlyReport } from './statistics-service.js';

/** The columns of the monthly report as CSV, in order. */
export const MONTHLY_REPORT_COLUMNS = [
  'rank',
  'institution_id',
  'institution_name',
  'applications',
  'sme_applications',
  'sme_share_bp',
  'applied_amount_fen',
  'approvals',
  'approved_amount_fen',
  'rejections',
  'rejections_by_reason',
  'approval_rate_bp',
  'disbursements',
  'disbursed_amount_fen',
  'repaid_amount_fen',
  'outstanding_amount_fen',
  'decisions_timed',
  'median_hours_to_decision',
  'p90_hours_to_decision',
  'disbursements_timed',
  'median_hours_to_disbursement',
  'p90_hours_to_disbursement',
  'deadline_breaches',
] as const;

/** The label of the total row. */
export const TOTAL_LABEL = '合计';

// Excel opens a UTF-8 CSV as the local code page (GBK in China) unless it starts with a byte-order mark.
const BOM = '\uFEFF';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading formula character is defused. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = typeof value === 'number' ? String(value) : value;
  // A cell starting with = + - @ is a formula to a spreadsheet; names come from institutions, so never trust them.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const hours = (h: number | null) => (h === null ? null : h.toFixed(1));

/**
 * One row's figures after rank, id and name, in the order of {@link MONTHLY_REPORT_COLUMNS}: the CSV and the
 * XLSX both write this list, so their columns cannot drift apart. `hour` renders an hours figure.
 */
export function figureValues(f: Figures, hour: (h: number | null) => string | number | null = (h) => h): (string | number | null)[] {
  return [
    f.applications,
    f.smeApplications,
    f.smeShareBp,
    f.appliedFen,
    f.approvals,
    f.approvedFen,
    f.rejections,
    Object.entries(f.rejectionsByReason)
      .map(([code, n]) => `${code}=${n}`)
      .join(';'),
    f.approvalRateBp,
    f.disbursements,
    f.disbursedFen,
    f.repaidFen,
    f.outstandingFen,
    f.hoursToDecision.count,
    hour(f.hoursToDecision.median),
    hour(f.hoursToDecision.p90),
    f.hoursToDisbursement.count,
    hour(f.hoursToDisbursement.median),
    hour(f.hoursToDisbursement.p90),
    f.deadlineBreaches,
  ];
}

/** The monthly report as CSV: BOM, header, one row per institution by rank, the total row; CRLF line ends. */
export function monthlyReportCsv(r: MonthlyReport): string {
  const lines = [
    [...MONTHLY_REPORT_COLUMNS],
    ...r.institutions.map((i) => [i.rank, i.institutionId, i.institutionName, ...figureValues(i, hours)]),
    [null, null, TOTAL_LABEL, ...figureValues(r.total, hours)],
  ];
  return BOM + lines.map((l) => l.map(csvField).join(',') + '\r\n').join('');
}
