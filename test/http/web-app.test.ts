import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP_NONCE_PLACEHOLDER } from '../../src/features/web/csp.js';
import { testDatabaseKind } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// A stand-in for Vite's output, as the build writes it: the page with nonce placeholders and hashed assets.
const PAGE = `<!doctype html><html lang="zh-CN"><head>
<meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}">
<script type="module" crossorigin src="/assets/index-AbC123.js" nonce="${CSP_NONCE_PLACEHOLDER}"></script>
<link rel="stylesheet" crossorigin href="/assets/index-XyZ789.css" nonce="${CSP_NONCE_PLACEHOLDER}">
</head><body><div id="root"></div></body></html>`;
const SCRIPT = `console.log(${JSON.stringify('政采贷 '.repeat(400))});\n`;

let dir: string;
let gw: TestGateway;
let bare: TestGateway;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zcd-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'index-XyZ789.css'), 'body{margin:0}');
  const empty = mkdtempSync(join(tmpdir(), 'zcd-web-empty-'));
  [gw, bare] = await Promise.all([startTestGateway({ webDir: dir }), startTestGateway({ webDir: empty })]);
});
afterAll(async () => {
  await gw?.close();
  await bare?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => gw.client.request('GET', path, { headers, unchecked: true });

/** A request with exactly the headers given (fetch always offers gzip). */
function raw(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(gw.client.baseUrl + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe(`the web app's pages on ${testDatabaseKind}`, () => {
  it.each(['/', '/portal', '/portal/', '/portal/contracts/HT-1', '/console', '/console/institutions/ins_1/keys'])(
    '%s answers with the app page, revalidated on every load',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.text).toContain('<div id="root">');
    },
  );

  it('gives each answer its own nonce, the same in the CSP, the meta tag and every tag the build emitted', async () => {
    const [a, b] = await Promise.all([get('/'), get('/portal')]);
    const nonceOf = (csp: string | null) => /style-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)'/.exec(csp ?? '')?.[1];
    const na = nonceOf(a.headers.get('content-security-policy'));
    const nb = nonceOf(b.headers.get('content-security-policy'));
    expect(na).toBeDefined();
    expect(nb).toBeDefined();
    expect(na).not.toBe(nb);
    expect(a.text).not.toContain(CSP_NONCE_PLACEHOLDER);
    expect(a.text.match(/nonce="([^"]+)"/g)).toEqual([`nonce="${na}"`, `nonce="${na}"`, `nonce="${na}"`]);
  });

  it('has a CSP without unsafe-inline or unsafe-eval that loads nothing from another origin', async () => {
    const csp = (await get('/console')).headers.get('content-security-policy')!;
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*|https?:|wss?:/);
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['default-src']).toBe("'self'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'self'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['base-uri']).toBe("'self'");
  });

  it('serves hashed assets for a year, immutable, gzip-compressed when the browser accepts it', async () => {
    const zipped = await raw('GET', '/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 4);
    expect(gunzipSync(zipped.body).toString()).toBe(SCRIPT);

    const plain = await raw('GET', '/assets/index-AbC123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);

    const head = await raw('HEAD', '/assets/index-XyZ789.css');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(head.body.length).toBe(0);
  });

  it.each(['/assets/index-Missing.js', '/assets/', '/assets/..%2Findex.html', '/assets/%2e%2e/%2e%2e/package.json', '/portalx', '/consoles', '/index.html'])(
    '%s is not a page or an asset: 404 problem+json',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(res.body.code).toBe('route_not_found');
    },
  );

  it('refuses other methods on pages with 405 and Allow', async () => {
    const res = await gw.client.request('POST', '/portal', { body: {}, unchecked: true });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.body.code).toBe('method_not_allowed');
  });

  it('sends /docs/ to the API reference at /docs, which still answers', async () => {
    const res = await fetch(gw.client.baseUrl + '/docs/', { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/docs');
    const followed = await fetch(gw.client.baseUrl + '/docs/');
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('id="reference"');
  });

  it('leaves the API to the API: operations answer as before, unknown API paths are problem+json', async () => {
    const regions = await gw.client.request('GET', '/api/v1/regions/150100');
    expect(regions.status).toBe(200);
    const unknown = await get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('route_not_found');
  });

  it('says in Chinese first that the app is not built when dist/web is missing, and the API still answers', async () => {
    const page = await bare.client.request('GET', '/portal', { unchecked: true });
    expect(page.status).toBe(503);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toMatch(/网页应用尚未构建[\s\S]*npm run build[\s\S]*The web app has not been built/);
    expect((await bare.client.request('GET', '/api/v1/regions/150000')).status).toBe(200);
    expect((await bare.client.request('GET', '/assets/index-AbC123.js', { unchecked: true })).status).toBe(404);
  });
});
