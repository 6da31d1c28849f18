import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';
import { DomainError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { CSP_NONCE_PLACEHOLDER, webAppCsp } from './csp.js';

/** Hashed assets never change under their name: a year, and browsers need not revalidate. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The page itself names the current assets, so it is revalidated on every load. */
export const PAGE_CACHE_CONTROL = 'no-cache';

/** The areas of the web app whose paths (and every path below them) answer with the app's page. */
export const WEB_APP_AREAS = ['/portal', '/console', '/notices'] as const;

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
}

interface Built {
  /** index.html cut at each nonce placeholder; a response joins the parts with its own nonce. */
  page: string[];
  assets: Map<string, Asset>;
}

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt']);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function loadBuilt(dir: string): Built | undefined {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const assets = new Map<string, Asset>();
  const assetDir = join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const ext = extname(name);
    const body = readFileSync(join(assetDir, name));
    const gz = COMPRESSIBLE.has(ext) ? gzipSync(body, { level: 9 }) : undefined;
    assets.set(name, { type: TYPES[ext] ?? 'application/octet-stream', body, gzip: gz && gz.length < body.length ? gz : undefined });
  }
  return { page: readFileSync(indexFile, 'utf8').split(CSP_NONCE_PLACEHOLDER), assets };
}

/** Shown instead of the app when `npm run build:web` has not run (a checkout without `npm install`). */
const NOT_BUILT = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>网页应用尚未构建 · Web app not built</title></head>
<body><h1>网页应用尚未构建</h1><p>请在项目目录运行 <code>npm run build</code>，然后刷新本页。</p>
<p lang="en">The web app has not been built: run <code>npm run build</code> in the project directory and reload.</p>
<p><a href="/docs">接口文档 · API reference</a></p></body></html>
`;

const isPagePath = (path: string) =>
  path === '/' || WEB_APP_AREAS.some((area) => path === area || path.startsWith(area + '/'));

function sendAsset(req: Request, res: Response, asset: Asset): void {
  res.setHeader('Cache-Control', ASSET_CACHE_CONTROL);
  res.setHeader('Content-Type', asset.type);
  let body = asset.body;
  if (asset.gzip) {
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      body = asset.gzip;
    }
  }
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** The built app: `index.html` and `assets/` (Vite's output, `dist/web`). */
  dir: string;
  logger: Logger;
}

/**
 * Serves the web app, which is not an API operation: `/`, `/portal…` and `/console…` answer with the app's
 * page (the app routes in the browser), `/assets/…` with its hashed files, and `/docs/` redirects to the API
 * reference at `/docs`. Anything else goes on to the next handler. The page gets a fresh CSP nonce per
 * response; the assets are read once, kept in memory and sent gzip-compressed when the client accepts it.
 * It reads `req.path` whole, so it works wherever it is mounted without a path prefix.
 */
export function createWebApp({ dir, logger }: WebAppOptions): RequestHandler {
  let built: Built | undefined;
  let warned = false;
  const current = () => {
    if (!built) {
      built = loadBuilt(dir);
      if (!built && !warned) {
        warned = true;
        logger.warn({ dir }, 'the web app is not built; pages answer 503 until `npm run build` has run');
      }
    }
    return built;
  };

  return (req, res, next) => {
    const { path, method } = req;
    const page = isPagePath(path);
    const asset = path.startsWith('/assets/');
    const docs = path === '/docs/';
    if (!page && !asset && !docs) {
      next();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      throw new DomainError(405, 'method_not_allowed', `This path does not take ${method}; it takes GET, HEAD.`, {}, { Allow: 'GET, HEAD' });
    }
    if (docs) {
      res.redirect(308, '/docs');
      return;
    }
    const app = current();
    if (asset) {
      const hit = app?.assets.get(path.slice('/assets/'.length));
      if (!hit) {
        next();
        return;
      }
      sendAsset(req, res, hit);
      return;
    }
    if (!app) {
      res.status(503).setHeader('Cache-Control', 'no-store');
      res.type('text/html').send(NOT_BUILT);
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', webAppCsp(nonce));
    res.setHeader('Cache-Control', PAGE_CACHE_CONTROL);
    res.type('text/html').send(app.page.join(nonce));
  };
}
