import { describe, expect, it } from 'vitest';
import { checkTargets, meanOfRuns, type Row } from '../../bench/lib/report.js';

describe('the bench report', () => {
  it('averages two runs of a reference, adds their errors and keeps the higher RSS', () => {
    const row = meanOfRuns(
      { status: 'measured', reqPerSec: 8_000, p50Ms: 5, p99Ms: 20, errors: 0, requests: 80_000, cpuUsPerRequest: 130, peakRssMb: 140 },
      { status: 'measured', reqPerSec: 6_000, p50Ms: 7, p99Ms: 28, errors: 2, requests: 60_000, cpuUsPerRequest: 170, peakRssMb: 150 },
    );
    expect(row).toMatchObject({ status: 'measured', reqPerSec: 7_000, p50Ms: 6, p99Ms: 24, errors: 2, requests: 140_000, cpuUsPerRequest: 150, peakRssMb: 150 });
    expect((row as { note: string }).note).toMatch(/8,000 and 6,000 req\/s/);
    expect(meanOfRuns({ status: 'measured', reqPerSec: 1 }, { status: 'failed', reason: 'gone' })).toEqual({ status: 'failed', reason: 'gone' });
  });

  it('checks S1 against the mean references', () => {
    const rows: Row[] = [
      { id: 'R0', title: '', target: 'reference', outcome: { status: 'measured', reqPerSec: 6_000 } },
      { id: 'R1', title: '', target: 'reference', outcome: { status: 'measured', reqPerSec: 3_000 } },
      { id: 'S1', title: '', target: 'gateway', outcome: { status: 'measured', reqPerSec: 2_970, p99Ms: 31 } },
    ];
    const byName = Object.fromEntries(checkTargets(rows).map((t) => [t.name, t]));
    expect(byName['S1 req/s vs R1']).toMatchObject({ measured: '99.0 %', verdict: 'PASS' });
    expect(byName['S1 req/s vs R0']).toMatchObject({ measured: '49.5 %', verdict: 'MISS' });
    expect(byName['S1 p99 at 50 connections']).toMatchObject({ verdict: 'MISS' });
  });
});
