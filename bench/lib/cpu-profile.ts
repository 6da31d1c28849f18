import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: the npm package, the gateway source file, or node's internals. */
function owner(url: string): string {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const src = /\/(dist\/)?((?:src|adapters|seeds)\/.*)$/.exec(url);
  return src ? src[2]! : url;
}

/** Self time of a V8 `.cpuprofile`, by function and by owner (package or source file), largest first. */
export function summariseCpuProfile(path: string, top = 20): { totalMs: number; byOwner: [string, number][]; byFunction: [string, number][] } {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const ownerMs = new Map<string, number>();
  const fnMs = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += us;
    const o = owner(n.callFrame.url);
    ownerMs.set(o, (ownerMs.get(o) ?? 0) + us);
    const fn = `${name} ${o}${n.callFrame.url ? ':' + (n.callFrame.lineNumber + 1) : ''}`;
    fnMs.set(fn, (fnMs.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, v / 1000] as [string, number]);
  return { totalMs: total / 1000, byOwner: sorted(ownerMs), byFunction: sorted(fnMs) };
}

/** The summary as text lines (ms of self time and share of the busy time). */
export function formatCpuProfile(s: ReturnType<typeof summariseCpuProfile>): string {
  const pct = (ms: number) => `${((ms / s.totalMs) * 100).toFixed(1).padStart(5)} %`;
  return [
    `busy (non-idle) CPU: ${(s.totalMs / 1000).toFixed(1)} s`,
    'self time by package / source file:',
    ...s.byOwner.map(([k, ms]) => `  ${pct(ms)}  ${k}`),
    'self time by function:',
    ...s.byFunction.map(([k, ms]) => `  ${pct(ms)}  ${k}`),
  ].join('\n');
}
