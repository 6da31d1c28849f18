import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The most JavaScript (gzip) the first load of an app area may fetch. */
export const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

/** The HTML entry of the web app, as Vite's manifest names it. */
export const WEB_ENTRY = 'index.html';

/**
 * What each area loads before its first page shows: the modules it imports lazily on the way (the area and its
 * home page), besides the entry. When an area's first page changes, change it here; the budget test fails on a
 * module that is no longer a chunk of its own.
 */
export const FIRST_LOADS: Readonly<Record<string, readonly string[]>> = {
  '/': ['landing/landing-page.tsx'],
  '/portal': ['portal/portal-app.tsx', 'portal/contracts/contracts-page.tsx'],
  '/console': ['console/console-app.tsx', 'console/overview/overview-page.tsx'],
};

/** The areas whose first load the budget holds (the landing page is public and may load its chart). */
export const BUDGETED_AREAS = ['/portal', '/console'] as const;

/** One chunk of Vite's `.vite/manifest.json`. */
export interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** Vite's build manifest: chunks by their source module (or a generated key). */
export type Manifest = Record<string, ManifestChunk>;

/**
 * The JavaScript files a first load fetches: the chunks of `keys` and every chunk they import statically,
 * transitively (what the browser must have before it runs them). Dynamic imports are not followed.
 */
export function firstLoadFiles(manifest: Manifest, keys: readonly string[]): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not a chunk in the build manifest; update FIRST_LOADS in scripts/web-budget.ts`);
    if (chunk.file.endsWith('.js')) files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  for (const key of keys) visit(key);
  return [...files].sort();
}

/** One area's first load, measured. */
export interface FirstLoad {
  area: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

/** The size of `file` in `dir` as served (gzip at level 9, as the gateway serves it). */
export function gzipSize(dir: string, file: string): { bytes: number; gzipBytes: number } {
  const body = readFileSync(join(dir, file));
  return { bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
}

/** Measures each area of {@link FIRST_LOADS} in a built web app at `dir` (with its `.vite/manifest.json`). */
export function measureFirstLoads(dir: string): FirstLoad[] {
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  return Object.entries(FIRST_LOADS).map(([area, modules]) => {
    const files = firstLoadFiles(manifest, [WEB_ENTRY, ...modules]).map((file) => ({ file, ...gzipSize(dir, file) }));
    return {
      area,
      files,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    };
  });
}

/** The chunks whose name says they hold chart code (the `echarts` group of the Vite config). */
export function chartFiles(manifest: Manifest): string[] {
  return Object.values(manifest)
    .filter((c) => /(^|\/)echarts-[^/]*\.js$/.test(c.file))
    .map((c) => c.file);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The build's closing lines: each area's first load in JavaScript, raw and gzip, against the budget. */
export function formatFirstLoads(loads: readonly FirstLoad[]): string {
  const lines = ['first load of JavaScript per area (gzip; budget ' + kb(FIRST_LOAD_BUDGET_BYTES) + ' for /portal and /console):'];
  for (const l of loads) {
    const budgeted = (BUDGETED_AREAS as readonly string[]).includes(l.area);
    const verdict = !budgeted ? '' : l.gzipBytes <= FIRST_LOAD_BUDGET_BYTES ? '  within budget' : '  OVER BUDGET';
    lines.push(`  ${l.area.padEnd(9)} ${kb(l.gzipBytes).padStart(9)} gzip (${kb(l.bytes)} raw, ${l.files.length} files)${verdict}`);
  }
  return lines.join('\n');
}
