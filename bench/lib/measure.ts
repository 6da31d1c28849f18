import type { Measured } from '../scenarios/scenario.js';
import { measure, type LoadSpec } from './load.js';
import { cpuSeconds, mb, type RssSampler } from './rss.js';

/** Drives `spec` at a server while `rss` samples it; the figures of one scenario row. */
export async function measureServer(rss: RssSampler, spec: LoadSpec, note?: string): Promise<Measured> {
  rss.newWindow();
  const cpu: Partial<Record<'start' | 'end', number | undefined>> = {};
  const r = await measure({ ...spec, onMeasured: (phase) => (cpu[phase] = cpuSeconds(rss.pid)) });
  const cpuUs = cpu.start !== undefined && cpu.end !== undefined && r.requests > 0 ? ((cpu.end - cpu.start) * 1e6) / r.requests : undefined;
  const statuses = Object.entries(r.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${n}×${code}`);
  const notes = [note, statuses.length ? `non-2xx: ${statuses.join(', ')}` : undefined].filter(Boolean);
  return {
    status: 'measured',
    reqPerSec: r.reqPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    errors: r.errors,
    requests: r.requests,
    peakRssMb: mb(rss.currentWindowPeak),
    ...(cpuUs !== undefined ? { cpuUsPerRequest: Math.round(cpuUs) } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
