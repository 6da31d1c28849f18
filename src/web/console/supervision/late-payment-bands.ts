import type { EChartsCoreOption } from 'echarts/core';
import type { components } from '../../../generated/openapi.js';
import { formatFen, formatFenAxis } from '../../shared/money.js';

type LatePayment = components['schemas']['LatePayment'];

/** Days since acceptance that start each band; the statutory payment period is 30 days. */
export const BAND_STARTS = [0, 31, 61, 91, 181] as const;

/** One band of days since acceptance: contracts in it and their unpaid money (fen), overdue and not yet due. */
export interface DaysBand {
  fromDay: number;
  toDay: number | null;
  contracts: number;
  lateContracts: number;
  overdueFen: number;
  notYetDueFen: number;
  /**
   * Money in the band is overdue and the band lies past the statutory 30 days (《保障中小企业款项支付条例》).
   * A band whose unpaid money is all not yet due (retention, 质保金, say) is not.
   */
  pastStatutory: boolean;
}

/** Unpaid money per band of days since acceptance, in integer fen. */
export function daysBands(items: readonly LatePayment[]): DaysBand[] {
  const bands: DaysBand[] = BAND_STARTS.map((from, i) => ({
    fromDay: from,
    toDay: i + 1 < BAND_STARTS.length ? BAND_STARTS[i + 1]! - 1 : null,
    contracts: 0,
    lateContracts: 0,
    overdueFen: 0,
    notYetDueFen: 0,
    pastStatutory: false,
  }));
  for (const p of items) {
    let i = BAND_STARTS.length - 1;
    while (i > 0 && p.days_since_acceptance < BAND_STARTS[i]!) i--;
    const b = bands[i]!;
    b.contracts += 1;
    if (p.late) b.lateContracts += 1;
    b.overdueFen += p.overdue_amount;
    b.notYetDueFen += Math.max(0, p.amount - p.paid_amount - p.overdue_amount);
  }
  for (const b of bands) b.pastStatutory = b.fromDay > 30 && b.overdueFen > 0;
  return bands;
}

/** The chart's words in the page language. */
export interface BandChartLabels {
  band: (b: DaysBand) => string;
  overdue: string;
  notYetDue: string;
  amount: string;
  /** The widest a band's name may run before it breaks onto a second line: no wider than a bar's slot. */
  bandWidth: number;
}

/**
 * Unpaid money per band as stacked bars: overdue in red, not yet due in grey. Values are integer fen; axis and
 * tooltip print them as yuan through {@link formatFen}, so no amount is ever a fraction of yuan.
 */
export function bandsOption(bands: readonly DaysBand[], l: BandChartLabels): EChartsCoreOption {
  const fen = (v: number) => formatFen(Math.round(v));
  const bar = (name: string, data: number[], color: string) => ({ type: 'bar', name, stack: 'unpaid', data, itemStyle: { color }, barMaxWidth: 40 });
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fen(v) },
    legend: { top: 0 },
    // Below the legend, room for the axis name; every band named, broken onto two lines where a phone needs it.
    grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: bands.map(l.band), axisLabel: { interval: 0, width: l.bandWidth, overflow: 'break' } },
    yAxis: { type: 'value', name: l.amount, nameTextStyle: { align: 'left' }, axisLabel: { formatter: (v: number) => formatFenAxis(Math.round(v)) } },
    series: [bar(l.overdue, bands.map((b) => b.overdueFen), '#cf1322'), bar(l.notYetDue, bands.map((b) => b.notYetDueFen), '#8c8c8c')],
  };
}
