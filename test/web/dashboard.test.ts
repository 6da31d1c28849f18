import { describe, expect, it } from 'vitest';
import type { components } from '../../src/generated/openapi.js';
import { hoursOption, regionOption, trendOption, type DashboardChartLabels } from '../../src/web/console/overview/dashboard-charts.js';
import { defaultPeriod, periodProblem } from '../../src/web/console/overview/dashboard-period.js';

type Dashboard = components['schemas']['Dashboard'];
const zero = {
  applications: 0, applied_amount: 0, approvals: 0, approved_amount: 0, rejections: 0, approval_rate_bp: null,
  disbursements: 0, disbursed_amount: 0, average_hours_to_decision: null, average_hours_to_disbursement: null,
};
const labels: DashboardChartLabels = {
  applications: '申请', approvals: '批准', disbursements: '放款', count: '笔数',
  month: (m) => m.replace('-', '年') + '月',
  band: (from, to) => (to === null ? `${from}+` : `${from}-${to}`),
  region: (name, own) => (own ? `${name}（本级）` : name),
};
const region = (code: string, applications: number, own = false) => ({ ...zero, region_code: code, region_name: `R${code}`, own_level: own, applications });
const dash = (regions: Dashboard['by_region']): Dashboard => ({
  region: { code: '150000', name: '内蒙古自治区', level: 'region' }, level: 'county', from: '2026-01', to: '2026-02', total: zero,
  by_month: [{ month: '2026-01', ...zero, applications: 3, approvals: 1 }, { month: '2026-02', ...zero, applications: 5 }],
  by_region: regions, by_institution: [],
  hours_to_disbursement: [{ from_hours: 0, to_hours: 24, count: 2 }, { from_hours: 24, to_hours: null, count: 1 }],
});
const series = (o: unknown) => (o as { series: { name: string; data: number[] }[] }).series.map((s) => [s.name, s.data]);

describe('the dashboard’s charts', () => {
  it('draws counts month by month and per band, with the page’s words on the axes', () => {
    const d = dash([region('150102', 2)]);
    expect(series(trendOption(d, labels))).toEqual([['申请', [3, 5]], ['批准', [1, 0]], ['放款', [0, 0]]]);
    expect((trendOption(d, labels) as { xAxis: { data: string[] } }).xAxis.data).toEqual(['2026年01月', '2026年02月']);
    expect((hoursOption(d, labels) as { xAxis: { data: string[] } }).xAxis.data).toEqual(['0-24', '24+']);
    expect(series(hoursOption(d, labels))).toEqual([['放款', [2, 1]]]);
  });

  it('keeps every region when there are few, only those with business when there are many', () => {
    const few = regionOption(dash([region('150102', 0), region('150103', 4), region('150100', 1, true)]), labels) as { yAxis: { data: string[] } };
    expect(few.yAxis.data).toEqual(['R150100（本级）', 'R150103', 'R150102']);
    const many = Array.from({ length: 30 }, (_, i) => region(String(150101 + i), i === 7 ? 9 : 0));
    expect((regionOption(dash(many), labels) as { yAxis: { data: string[] } }).yAxis.data).toEqual(['R150108']);
    // The count axis is the bottom one here: its name sits under its middle, inside the chart.
    expect((few as unknown as { xAxis: { name: string; nameLocation: string } }).xAxis).toMatchObject({ name: '笔数', nameLocation: 'middle' });
  });
});

describe('the dashboard’s period', () => {
  it('is the twelve months up to the current one in China time', () => {
    // 2026-03-31 17:00 UTC is already 1 April in China.
    expect(defaultPeriod(Date.parse('2026-03-31T17:00:00Z'))).toEqual({ from: '2025-05', to: '2026-04' });
  });

  it('refuses what getDashboard would refuse', () => {
    expect(periodProblem('2026-01', '2026-12')).toBeUndefined();
    expect(periodProblem('2026-05', '2026-04')).toBe('order');
    expect(periodProblem('2024-01', '2026-01')).toBe('length');
    expect(periodProblem('2024-02', '2026-01')).toBeUndefined();
    expect(periodProblem('', '2026-01')).toBe('format');
  });
});
