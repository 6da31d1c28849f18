import type { components } from '../../../generated/openapi.js';
import { formatBasisPoints, formatCount } from '../../shared/format.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';

type Figures = components['schemas']['StatisticsFigures'];

/** One key figure of the overview: its label and its value as shown. */
export interface KeyFigure {
  label: MessageKey;
  value: string;
}

/** The overview's key figures of a period, formatted exactly (money from fen, rates from basis points). */
export function keyFigures(f: Figures, hours: (h: number) => string, none: string): KeyFigure[] {
  return [
    { label: 'overview.applications', value: formatCount(f.applications) },
    { label: 'overview.appliedAmount', value: formatFen(f.applied_amount) },
    { label: 'overview.approvals', value: formatCount(f.approvals) },
    { label: 'overview.approvedAmount', value: formatFen(f.approved_amount) },
    { label: 'overview.approvalRate', value: f.approval_rate_bp === null ? none : formatBasisPoints(f.approval_rate_bp) },
    { label: 'overview.disbursedAmount', value: formatFen(f.disbursed_amount) },
    { label: 'overview.outstandingAmount', value: formatFen(f.outstanding_amount) },
    { label: 'overview.hoursToDecision', value: f.hours_to_decision.median === null ? none : hours(f.hours_to_decision.median) },
  ];
}
