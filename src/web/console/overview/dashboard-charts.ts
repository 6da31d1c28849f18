import type { EChartsCoreOption } from 'echarts/core';
import type { components } from '../../../generated/openapi.js';

type Dashboard = components['schemas']['Dashboard'];

const BLUE = '#0958d9';
const GREEN = '#389e0d';
const ORANGE = '#d46b08';

/** The charts' words, already in the page language. */
export interface DashboardChartLabels {
  applications: string;
  approvals: string;
  disbursements: string;
  /** Axis name of counts, e.g. 笔数. */
  count: string;
  /** Formats `YYYY-MM` for the axis. */
  month: (month: string) => string;
  /** Names a band of hours to funds, e.g. 24–48 小时 or 336 小时以上. */
  band: (from: number, to: number | null) => string;
  /** Names a region row (own-level rows say so). */
  region: (name: string, ownLevel: boolean) => string;
}

const bar = (name: string, data: number[], color: string) => ({ type: 'bar', name, data, itemStyle: { color }, barMaxWidth: 28 });
const base = { animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 } };

/**
 * Applications, approvals and disbursements month by month, as lines. Counts only: amounts are shown exactly in
 * the figures and tables, never as chart values (they would have to become fractional yuan).
 */
export function trendOption(d: Dashboard, l: DashboardChartLabels): EChartsCoreOption {
  const line = (name: string, data: number[], color: string) => ({ type: 'line', name, data, itemStyle: { color }, lineStyle: { color } });
  return {
    ...base,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.by_month.map((m) => l.month(m.month)) },
    yAxis: { type: 'value', name: l.count, minInterval: 1 },
    series: [
      line(l.applications, d.by_month.map((m) => m.applications), BLUE),
      line(l.approvals, d.by_month.map((m) => m.approvals), GREEN),
      line(l.disbursements, d.by_month.map((m) => m.disbursements), ORANGE),
    ],
  };
}

/**
 * Applications and approvals per region of the chosen level, as horizontal bars. With many regions (旗县 of the
 * whole 自治区) those without business are left out of the chart; the table beside it lists every one.
 */
export function regionOption(d: Dashboard, l: DashboardChartLabels): EChartsCoreOption {
  const rows = d.by_region.length > 20 ? d.by_region.filter((r) => r.applications + r.approvals + r.disbursements > 0) : d.by_region;
  const shown = [...rows].reverse(); // ECharts draws a category axis bottom up
  return {
    ...base,
    // The count axis runs along the bottom: its name goes under its middle, since at the axis's end it ran past
    // the chart's right edge (containLabel keeps the labels in, not the axis name).
    grid: { left: 8, right: 16, top: 40, bottom: 28, containLabel: true },
    yAxis: { type: 'category', data: shown.map((r) => l.region(r.region_name, r.own_level)) },
    xAxis: { type: 'value', name: l.count, nameLocation: 'middle', nameGap: 24, minInterval: 1 },
    series: [bar(l.applications, shown.map((r) => r.applications), BLUE), bar(l.approvals, shown.map((r) => r.approvals), GREEN)],
  };
}

/** Height in px that gives each region's bars room. */
export function regionChartHeight(d: Dashboard): number {
  const n = d.by_region.length > 20 ? d.by_region.filter((r) => r.applications + r.approvals + r.disbursements > 0).length : d.by_region.length;
  return Math.max(200, 60 + n * 28);
}

/** Approvals and disbursements per institution. */
export function institutionOption(d: Dashboard, l: DashboardChartLabels): EChartsCoreOption {
  return {
    ...base,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.by_institution.map((r) => r.institution_name), axisLabel: { interval: 0, rotate: d.by_institution.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', name: l.count, minInterval: 1 },
    series: [
      bar(l.applications, d.by_institution.map((r) => r.applications), BLUE),
      bar(l.approvals, d.by_institution.map((r) => r.approvals), GREEN),
      bar(l.disbursements, d.by_institution.map((r) => r.disbursements), ORANGE),
    ],
  };
}

/** How many disbursements took how long from submission, per band of hours. */
export function hoursOption(d: Dashboard, l: DashboardChartLabels): EChartsCoreOption {
  return {
    ...base,
    legend: undefined,
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.hours_to_disbursement.map((b) => l.band(b.from_hours, b.to_hours)) },
    yAxis: { type: 'value', name: l.count, minInterval: 1 },
    series: [bar(l.disbursements, d.hours_to_disbursement.map((b) => b.count), ORANGE)],
  };
}
