import type { Measured, Outcome, Scenario, Target } from '../scenarios/scenario.js';

/** A scenario with how it ended. */
export interface Row {
  id: string;
  title: string;
  target: Target;
  outcome: Outcome;
}

/**
 * One row from two runs of the same scenario: rates, latencies and CPU averaged, errors and requests
 * added, the higher RSS kept; the note gives both rates. A failed run makes the row the failure.
 */
export function meanOfRuns(first: Outcome, second: Outcome): Outcome {
  if (first.status !== 'measured') return first;
  if (second.status !== 'measured') return second;
  const mean = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? (a ?? b) : (a + b) / 2);
  const sum = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? (a ?? b) : a + b);
  const both = `mean of two runs around S1: ${fmt(first.reqPerSec)} and ${fmt(second.reqPerSec)} req/s`;
  const out: Measured = { status: 'measured', note: [both, first.note].filter(Boolean).join('; ') };
  const set = <K extends keyof Measured>(k: K, v: Measured[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('reqPerSec', mean(first.reqPerSec, second.reqPerSec));
  set('p50Ms', mean(first.p50Ms, second.p50Ms));
  set('p99Ms', mean(first.p99Ms, second.p99Ms));
  set('cpuUsPerRequest', mean(first.cpuUsPerRequest, second.cpuUsPerRequest));
  set('errors', sum(first.errors, second.errors));
  set('requests', sum(first.requests, second.requests));
  set('peakRssMb', first.peakRssMb === undefined || second.peakRssMb === undefined ? (first.peakRssMb ?? second.peakRssMb) : Math.max(first.peakRssMb, second.peakRssMb));
  return out;
}

/** One target of issue 8, checked against the rows. */
export interface TargetCheck {
  name: string;
  /** What was measured, e.g. `63.2 %` or `1,210 tokens/s`. */
  measured: string;
  goal: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const measured = (rows: Row[], id: string) => {
  const o = rows.find((r) => r.id === id)?.outcome;
  return o?.status === 'measured' ? o : undefined;
};

/** Checks every target of issue 8 that the rows allow; the rest are n/a. */
export function checkTargets(rows: Row[]): TargetCheck[] {
  const r0 = measured(rows, 'R0');
  const r1 = measured(rows, 'R1');
  const s1 = measured(rows, 'S1');
  const s1d = measured(rows, 'S1d');
  const s2 = measured(rows, 'S2');
  const s4 = measured(rows, 'S4');
  const s5 = measured(rows, 'S5');
  const ratio = (name: string, a: number | undefined, b: number | undefined, min: number): TargetCheck => {
    if (a === undefined || b === undefined || b === 0) return { name, measured: 'n/a', goal: `≥ ${min * 100} %`, verdict: 'n/a' };
    const r = a / b;
    return { name, measured: `${fmt(r * 100, 1)} %`, goal: `≥ ${min * 100} %`, verdict: r >= min ? 'PASS' : 'MISS' };
  };
  const atMost = (name: string, v: number | undefined, max: number, unit: string, digits = 1): TargetCheck =>
    v === undefined
      ? { name, measured: 'n/a', goal: `≤ ${fmt(max)} ${unit}`, verdict: 'n/a' }
      : { name, measured: `${fmt(v, digits)} ${unit}`, goal: `≤ ${fmt(max)} ${unit}`, verdict: v <= max ? 'PASS' : 'MISS' };
  const atLeast = (name: string, v: number | undefined, min: number, unit: string): TargetCheck =>
    v === undefined
      ? { name, measured: 'n/a', goal: `≥ ${fmt(min)} ${unit}`, verdict: 'n/a' }
      : { name, measured: `${fmt(v)} ${unit}`, goal: `≥ ${fmt(min)} ${unit}`, verdict: v >= min ? 'PASS' : 'MISS' };
  const gatewayRss = rows
    .filter((r) => r.target === 'gateway' && r.outcome.status === 'measured' && r.outcome.peakRssMb !== undefined)
    .map((r) => (r.outcome as { peakRssMb: number }).peakRssMb);
  return [
    ratio('S1 req/s vs R1', s1?.reqPerSec, r1?.reqPerSec, 0.8),
    ratio('S1 req/s vs R0', s1?.reqPerSec, r0?.reqPerSec, 0.5),
    atMost('S1 p99 at 50 connections', s1?.p99Ms, 30, 'ms'),
    ratio('S1d req/s vs R1', s1d?.reqPerSec, r1?.reqPerSec, 0.45),
    atLeast('S2 tokens/s', s2?.reqPerSec, 1_000, 'tokens/s'),
    atMost('S4 webhook p99', s4?.p99Ms, 1_000, 'ms', 0),
    atLeast('S5 contracts/s (sync)', s5?.rowsPerSec, 5_000, 'contracts/s'),
    atMost('gateway peak RSS', gatewayRss.length ? Math.max(...gatewayRss) : undefined, 250, 'MB'),
  ];
}

function table(head: string[], body: string[][], rightAlign: Set<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  const rule = '| ' + widths.map((w, i) => (rightAlign.has(i) ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |';
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** The scenario table as Markdown (fits a terminal and the README). */
export function scenarioTable(rows: Row[]): string {
  const body = rows.map((r) => {
    const o = r.outcome;
    if (o.status !== 'measured') {
      const label = o.status === 'n/a' ? 'n/a (not available in this build)' : 'FAILED';
      return [r.id, r.title, label, '', '', '', '', '', o.reason];
    }
    const rate = o.rowsPerSec !== undefined ? `${fmt(o.rowsPerSec)} rows/s` : fmt(o.reqPerSec);
    return [r.id, r.title, rate, fmt(o.p50Ms, 1), fmt(o.p99Ms, 1), fmt(o.errors), fmt(o.cpuUsPerRequest), fmt(o.peakRssMb, 1), o.note ?? ''];
  });
  return table(['id', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/req', 'peak RSS MB', 'note'], body, new Set([2, 3, 4, 5, 6, 7]));
}

/** The targets as Markdown. */
export function targetTable(checks: TargetCheck[]): string {
  return table(
    ['target', 'measured', 'goal', 'verdict'],
    checks.map((c) => [c.name, c.measured, c.goal, c.verdict]),
    new Set([1]),
  );
}

/** The JSON document written under bench/results/. */
export function resultDocument(o: {
  startedAt: Date;
  finishedAt: Date;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  rows: Row[];
  targets: TargetCheck[];
}): Record<string, unknown> {
  return {
    started_at: o.startedAt.toISOString(),
    finished_at: o.finishedAt.toISOString(),
    machine: o.machine,
    settings: o.settings,
    scenarios: o.rows.map((r) => ({ id: r.id, title: r.title, target: r.target, ...r.outcome })),
    targets: o.targets,
  };
}

/** The ids a run selects: every non-opt-in scenario (or those named by `--only`), plus opt-ins asked for. */
export function selectScenarios(all: Scenario[], only: string[], optIns: Set<string>): Scenario[] {
  if (only.length) return all.filter((s) => only.includes(s.id.toUpperCase()));
  return all.filter((s) => !s.optIn || optIns.has(s.id));
}
