import { describe, expect, it } from 'vitest';
import type { components } from '../../src/generated/openapi.js';
import { formatTenths, keyFigures } from '../../src/web/console/overview/overview-figures.js';
import { hasPublishedFigures, monthlyTotals } from '../../src/web/landing/public-statistics/monthly-totals.js';
import { statisticsChartOption } from '../../src/web/landing/public-statistics/statistics-chart-option.js';
import { formatBasisPoints, formatDate, formatMonth } from '../../src/web/shared/format.js';

type Row = components['schemas']['PublicStatisticsRow'];

const row = (month: string, league: string, n: number | null, suppressed: Row['suppressed'] = []): Row => ({
  league_code: league,
  league_name: league,
  month,
  applications: n,
  sme_share_bp: n === null ? null : 9000,
  applied_amount: n === null ? null : n * 100_000_00,
  approvals: n === null ? null : n - 1 >= 5 ? n - 1 : null,
  approved_amount: null,
  disbursements: n,
  disbursed_amount: n === null ? null : n * 12_345,
  median_hours_to_funds: null,
  suppressed,
});

describe('public statistics by month', () => {
  it('sums the published cells of each month, in month order, and counts the leagues withheld', () => {
    const months = monthlyTotals([
      row('2026-02', '150100', 7),
      row('2026-01', '150100', 5),
      row('2026-02', '150200', 6),
      row('2026-02', '150300', null, ['applications', 'approvals', 'disbursements']),
    ]);
    expect(months.map((m) => m.month)).toEqual(['2026-01', '2026-02']);
    expect(months[1]).toEqual({ month: '2026-02', applications: 13, approvals: 11, disbursements: 13, disbursedAmount: 13 * 12_345, leaguesWithheld: 1 });
    expect(months[0]).toMatchObject({ applications: 5, approvals: null, leaguesWithheld: 0 });
  });

  it('knows when nothing at all is published', () => {
    expect(hasPublishedFigures(monthlyTotals([row('2026-02', '150100', null, ['applications', 'approvals', 'disbursements'])]))).toBe(false);
    expect(hasPublishedFigures(monthlyTotals([]))).toBe(false);
    expect(hasPublishedFigures(monthlyTotals([row('2026-02', '150100', 5)]))).toBe(true);
  });

  it('draws three bar series by month, a withheld month as a gap, not a zero', () => {
    const months = monthlyTotals([row('2026-01', '150100', null, ['applications', 'approvals', 'disbursements']), row('2026-02', '150100', 8)]);
    const option = statisticsChartOption(months, {
      applications: '申请笔数',
      approvals: '批准笔数',
      disbursements: '放款笔数',
      count: '笔数',
      month: (m) => formatMonth(m, 'zh-CN'),
    }) as { xAxis: { data: string[] }; series: { type: string; name: string; data: (number | null)[] }[] };
    expect(option.xAxis.data).toEqual(['2026年1月', '2026年2月']);
    expect(option.series.map((s) => [s.type, s.name, s.data])).toEqual([
      ['bar', '申请笔数', [null, 8]],
      ['bar', '批准笔数', [null, 7]],
      ['bar', '放款笔数', [null, 8]],
    ]);
  });
});

describe('formats', () => {
  it('writes months and dates in the page language', () => {
    expect(formatMonth('2026-03', 'zh-CN')).toBe('2026年3月');
    expect(formatMonth('2026-11', 'en')).toBe('November 2026');
    expect(formatDate('2026-03-05', 'zh-CN')).toBe('2026年3月5日');
    expect(formatDate('2026-12-31', 'en')).toBe('Dec 31, 2026');
  });

  it('writes basis points as a percentage by integer arithmetic', () => {
    expect(formatBasisPoints(8182)).toBe('81.82%');
    expect(formatBasisPoints(10000)).toBe('100.00%');
    expect(formatBasisPoints(5)).toBe('0.05%');
    expect(() => formatBasisPoints(1.5)).toThrow(RangeError);
  });

  it('gives the console dashboard its key figures exactly', () => {
    const figures = keyFigures(
      {
        applications: 1234,
        applied_amount: 123456789,
        approvals: 9,
        approved_amount: 98765432,
        rejections: 2,
        approval_rate_bp: null,
        disbursements: 8,
        disbursed_amount: 1,
        average_hours_to_decision: 20.8,
        average_hours_to_disbursement: null,
      },
      (h) => `${formatTenths(h)} 小时`,
      '—',
    );
    expect(Object.fromEntries(figures.map((f) => [f.label, f.value]))).toEqual({
      'overview.applications': '1,234',
      'overview.approvals': '9',
      'overview.approvedAmount': '¥987,654.32',
      'overview.disbursedAmount': '¥0.01',
      'overview.approvalRate': '—',
      'overview.avgHoursToDecision': '20.8 小时',
      'overview.avgHoursToFunds': '—',
    });
    expect([formatTenths(0), formatTenths(3), formatTenths(96.7), formatTenths(0.1)]).toEqual(['0.0', '3.0', '96.7', '0.1']);
  });
});
