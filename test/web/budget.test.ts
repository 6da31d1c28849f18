import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUDGETED_AREAS,
  chartFiles,
  FIRST_LOAD_BUDGET_BYTES,
  firstLoadFiles,
  measureFirstLoads,
  WEB_ENTRY,
  type Manifest,
} from '../../scripts/web-budget.js';
import { CSP_NONCE_PLACEHOLDER } from '../../src/features/web/csp.js';
import { repoRoot } from '../helpers/cli.js';

const dist = join(repoRoot, 'dist', 'web');
const manifestFile = join(dist, '.vite', 'manifest.json');

function built(): Manifest {
  if (!existsSync(manifestFile)) throw new Error('dist/web is not built: run `npm run build` (npm install does) first');
  return JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
}

describe('first-load files', () => {
  const manifest: Manifest = {
    'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_react.js'], dynamicImports: ['portal/portal-app.tsx'] },
    '_react.js': { file: 'assets/react.js', imports: ['_shared.js'] },
    '_shared.js': { file: 'assets/shared.js', imports: ['_react.js'], css: ['assets/shared.css'] },
    'portal/portal-app.tsx': { file: 'assets/portal.js', isDynamicEntry: true, imports: ['_shared.js'], dynamicImports: ['_chart.js'] },
    '_chart.js': { file: 'assets/echarts-1.js' },
  };

  it('are the chunks named and everything they import statically, once, without dynamic imports', () => {
    expect(firstLoadFiles(manifest, ['index.html'])).toEqual(['assets/index.js', 'assets/react.js', 'assets/shared.js']);
    expect(firstLoadFiles(manifest, ['index.html', 'portal/portal-app.tsx'])).toEqual([
      'assets/index.js',
      'assets/portal.js',
      'assets/react.js',
      'assets/shared.js',
    ]);
  });

  it('fail loudly when a module named in FIRST_LOADS is no chunk of its own any more', () => {
    expect(() => firstLoadFiles(manifest, ['index.html', 'portal/gone.tsx'])).toThrow(/portal\/gone\.tsx is not a chunk/);
  });

  it('tell chart chunks by name', () => {
    expect(chartFiles(manifest)).toEqual(['assets/echarts-1.js']);
  });
});

describe('the built web app (dist/web)', () => {
  it.each(BUDGETED_AREAS)('loads at most 300 KB of JavaScript (gzip) before the first page of %s shows', (area) => {
    built();
    const load = measureFirstLoads(dist).find((l) => l.area === area)!;
    expect(load.files.length).toBeGreaterThan(2);
    expect(load.gzipBytes, load.files.map((f) => `${f.file} ${f.gzipBytes}`).join('\n')).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  });

  it('keeps the chart code in its own chunk, loaded only by a page with a chart', () => {
    const manifest = built();
    const charts = chartFiles(manifest);
    expect(charts.length).toBeGreaterThan(0);
    for (const load of measureFirstLoads(dist)) {
      for (const f of load.files) expect(charts, `${load.area} loads ${f.file} first`).not.toContain(f.file);
    }
    // Nothing but the chart component reaches the chart chunk, and only through a dynamic import.
    const importers = Object.entries(manifest).filter(([, c]) => c.imports?.some((i) => charts.includes(manifest[i]?.file ?? '')));
    expect(importers.map(([key]) => key)).toEqual(['shared/charts/echart.tsx']);
    expect(manifest['shared/charts/echart.tsx']?.isDynamicEntry).toBe(true);
    const entryCode = firstLoadFiles(manifest, [WEB_ENTRY]).map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    expect(entryCode).not.toMatch(/zrender|ECharts/);
  });

  it('has a page with no inline script or style, everything from its own /assets, and nonce placeholders', () => {
    built();
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toContain(`<meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}">`);
    expect(html).not.toMatch(/<style/);
    for (const script of html.match(/<script[^>]*>/g) ?? []) expect(script).toMatch(/ src="\/assets\/[^"]+\.js"/);
    for (const url of html.match(/(?:src|href)="[^"]*"/g) ?? []) expect(url).toMatch(/^(src|href)="(\/assets\/|\/docs")/);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
