import type { EChartsCoreOption } from 'echarts/core';
import type { MonthTotals } from './monthly-totals.js';

/** The chart's words, already in the page language. */
export interface StatisticsChartLabels {
  applications: string;
  approvals: string;
  disbursements: string;
  /** Axis name of the counts, e.g. 笔数. */
  count: string;
  /** Formats `YYYY-MM` for the axis, e.g. 2026年3月. */
  month: (month: string) => string;
}

/**
 * The ECharts option of the landing page's chart: applications, approvals and disbursements per month as
 * grouped bars (the page gives the same figures as a table for screen readers). A withheld month is a gap (`null`), never a zero. Money stays out of the chart: amounts
 * are shown, exactly, in the table beside it.
 */
export function statisticsChartOption(months: readonly MonthTotals[], labels: StatisticsChartLabels): EChartsCoreOption {
  const series = (name: string, pick: (m: MonthTotals) => number | null, color: string) => ({
    type: 'bar',
    name,
    data: months.map(pick),
    itemStyle: { color },
    barMaxWidth: 28,
  });
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => labels.month(m.month)) },
    yAxis: { type: 'value', name: labels.count, minInterval: 1 },
    series: [
      series(labels.applications, (m) => m.applications, '#0958d9'),
      series(labels.approvals, (m) => m.approvals, '#389e0d'),
      series(labels.disbursements, (m) => m.disbursements, '#d46b08'),
    ],
  };
}
