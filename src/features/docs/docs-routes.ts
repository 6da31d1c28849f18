import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { defineRoute } from '../../http/route.js';
import { specPath } from '../../http/spec-schema.js';
import { packageRoot } from '../../paths.js';
import { publishedSpec } from './published-spec.js';
import { errorCataloguePage, guidePage } from './docs-pages.js';
import { chars } from '../../http/fields.js';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The reference page's own scripts and styles: swagger-ui from node_modules plus our initializer. */
const assets: Record<string, { type: string; body: () => Buffer }> = {
  'swagger-ui.css': { type: 'text/css', body: () => readFileSync(join(swaggerUiDir, 'swagger-ui.css')) },
  'swagger-ui-bundle.js': {
    type: 'text/javascript',
    body: () => readFileSync(join(swaggerUiDir, 'swagger-ui-bundle.js')),
  },
  'docs.css': { type: 'text/css', body: () => readFileSync(join(packageRoot, 'docs', 'guide', 'docs.css')) },
  'init.js': {
    type: 'text/javascript',
    // A file, not an inline script, so the default Content-Security-Policy holds.
    body: () =>
      Buffer.from(
        `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, ` +
          `validatorUrl: null, tryItOutEnabled: false, supportedSubmitMethods: [] });\n`,
      ),
  },
};

const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zcd-gateway API reference · 政采贷接口文档</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/docs.css">
</head>
<body>
<nav class="docs-nav" aria-label="文档"><a href="/docs" aria-current="page">接口参考</a><a href="/docs/guide">银行接入指南</a><a href="/docs/errors">错误码目录</a></nav>
<noscript>The reference needs JavaScript; the interface itself is at <a href="/openapi.yaml">openapi.yaml</a>.</noscript>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const cache = new Map<string, { type: string; body: Buffer; etag: string }>();
function asset(name: string) {
  let hit = cache.get(name);
  if (!hit) {
    // Own members only: `constructor` or `__proto__` is no asset (the fuzzer found a 500 there).
    const def = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!def) return undefined;
    const body = def.body();
    hit = { type: def.type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    cache.set(name, hit);
  }
  return hit;
}

/** Serves the spec (JSON and YAML), the offline API reference, the bank integration guide and the error catalogue. */
export function createDocsRoutes() {
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiJson',
      access: { public: true },
      handler: ({ res }) => {
        res.type('application/json').send(publishedSpec().json);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.yaml',
      operationId: 'getOpenApiYaml',
      access: { public: true },
      handler: ({ res }) => {
        res.type('application/yaml').send(publishedSpec().yaml);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'getApiDocs',
      access: { public: true },
      handler: ({ res }) => {
        res.type('text/html').send(page);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/guide',
      operationId: 'getIntegrationGuide',
      access: { public: true },
      handler: ({ res }) => {
        res.type('text/html').send(guidePage());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/errors',
      operationId: 'getErrorCatalogue',
      access: { public: true },
      handler: ({ res }) => {
        res.type('text/html').send(errorCataloguePage());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/assets/{file}',
      operationId: 'getApiDocsAsset',
      access: { public: true },
      params: specPath<'getApiDocsAsset'>()(z.object({ file: chars(64) })),
      handler: ({ params, req, res }) => {
        const hit = asset(params.file);
        if (!hit) throw new NotFoundError('asset_not_found', 'No such asset.');
        res.setHeader('Cache-Control', 'public, max-age=3600');
        res.setHeader('ETag', hit.etag);
        if (req.headers['if-none-match'] === hit.etag) {
          res.status(304).end();
          return;
        }
        res.type(hit.type).send(hit.body);
      },
    }),
  ];
}
