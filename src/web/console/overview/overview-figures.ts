import type { components } from '../../../generated/openapi.js';
import { formatBasisPoints, formatCount } from '../../shared/format.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';

type Figures = components['schemas']['DashboardFigures'];

/** One key figure of the dashboard: its label and its value as shown. */
export interface KeyFigure {
  label: MessageKey;
  value: string;
}

/** The dashboard's key figures of a period, formatted exactly (money from fen, rates from basis points). */
export function keyFigures(f: Figures, hours: (h: number) => string, none: string): KeyFigure[] {
  const h = (v: number | null) => (v === null ? none : hours(v));
  return [
    { label: 'overview.applications', value: formatCount(f.applications) },
    { label: 'overview.approvals', value: formatCount(f.approvals) },
    { label: 'overview.approvedAmount', value: formatFen(f.approved_amount) },
    { label: 'overview.disbursedAmount', value: formatFen(f.disbursed_amount) },
    { label: 'overview.approvalRate', value: f.approval_rate_bp === null ? none : formatBasisPoints(f.approval_rate_bp) },
    { label: 'overview.avgHoursToDecision', value: h(f.average_hours_to_decision) },
    { label: 'overview.avgHoursToFunds', value: h(f.average_hours_to_disbursement) },
  ];
}

/** Hours with one decimal, from a value the API already rounded to tenths (no float arithmetic shown). */
export function formatTenths(h: number): string {
  const tenths = Math.round(h * 10);
  return `${Math.trunc(tenths / 10)}.${tenths % 10}`;
}
