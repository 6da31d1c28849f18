import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { z } from 'zod';
import { spec, specOperations } from '../helpers/spec.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

describe('the published interface and the routes agree', () => {
  it('routes every operation of the spec, and publishes every route', () => {
    const key = (o: { method: string; path: string; operationId: string }) => `${o.method} ${o.path} ${o.operationId}`;
    const routed = gw.routes.map(key).sort();
    const published = specOperations().map(key).sort();
    expect(routed).toEqual(published);
  });

  it('validates every part of a request the spec publishes, with the fields the spec names', () => {
    type Param = { name: string; in: string };
    const deref = <T>(node: T | { $ref: string }): T => {
      if (!(node && typeof node === 'object' && '$ref' in node)) return node;
      return node.$ref.replace(/^#\//, '').split('/').reduce<unknown>((cur, part) => (cur as Record<string, unknown>)[part], spec) as T;
    };
    const keysOf = (schema: z.ZodType | undefined) => (schema instanceof z.ZodObject ? Object.keys(schema.shape).sort() : undefined);
    for (const route of gw.routes) {
      const op = spec.paths[route.path]![route.method] as unknown as { parameters?: (Param | { $ref: string })[]; requestBody?: { content: Record<string, unknown> } };
      const params = (op.parameters ?? []).map((p) => deref(p));
      const named = (where: string) => params.filter((p) => p.in === where).map((p) => p.name).sort();
      const query = named('query');
      const path = named('path');
      expect(route.query !== undefined, `${route.operationId} query`).toBe(query.length > 0);
      if (route.query) expect(keysOf(route.query), `${route.operationId} query`).toEqual(query);
      expect(route.params !== undefined, `${route.operationId} path`).toBe(path.length > 0);
      if (route.params) expect(keysOf(route.params), `${route.operationId} path`).toEqual(path);
      expect(route.body !== undefined, `${route.operationId} body`).toBe(op.requestBody?.content['application/json'] !== undefined);
    }
  });

  it('serves the spec as YAML and JSON, the same document', async () => {
    const yaml = await gw.client.get('/openapi.yaml');
    const json = await gw.client.get('/openapi.json');
    expect(yaml.status).toBe(200);
    expect(yaml.text).toMatch(/^openapi: 3\.1\.0/);
    expect(json.status).toBe(200);
    expect(json.body.openapi).toBe('3.1.0');
    expect(json.body.paths['/api/v1/regions'].get.operationId).toBe('listRegions');
  });

  it('serves a readable reference whose assets all come from the gateway', async () => {
    const page = await gw.client.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref.startsWith('/'), `${ref} is served locally`).toBe(true);
      const asset = await gw.client.get(ref);
      expect(asset.status, ref).toBe(200);
      expect(asset.text.length).toBeGreaterThan(20);
    }
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await gw.client.get('/docs/assets/..%2Fpackage.json')).status).toBe(404);
    // Found by the spec fuzzer: a name of Object.prototype was looked up as an asset and answered 500.
    for (const name of ['constructor', '__proto__', 'toString']) expect((await gw.client.get(`/docs/assets/${name}`)).status).toBe(404);
  });
});

describe('bad input gets problem+json, never a 5xx', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await gw.client.request('POST', '/api/v1/regions', {
      raw: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'malformed_json' });
  });

  it('answers a 300 KiB body with 413 body_too_large', async () => {
    const res = await gw.client.request('POST', '/api/v1/regions', {
      raw: JSON.stringify({ x: 'a'.repeat(300 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('body_too_large');
  });

  it('answers an unknown route with 404 route_not_found, without echoing the path', async () => {
    const res = await gw.client.get('/api/v1/nothing-here/<script>');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
    expect(res.text).not.toContain('nothing-here');
  });

  it('answers a known path with a wrong method with 405 and the methods it takes in Allow', async () => {
    const res = await gw.client.request('DELETE', '/api/v1/regions/150100');
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const options = await fetch(`${gw.issuer}/api/v1/regions/150100`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers a path parameter that is not valid percent-encoding with 400 invalid_path', async () => {
    for (const bad of ['%E0%A4%A', '%', '%zz', '%C0%AF']) {
      const res = await gw.client.get(`/api/v1/regions/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('invalid_path');
    }
  });

  it('routes the paths the spec publishes exactly: no trailing slash, no other case, no empty segment', async () => {
    expect((await gw.client.get('/api/v1/regions/150100?x=1')).body.code).toBe('150100');
    for (const path of ['/api/v1/regions/150100/', '/API/V1/Regions/150100', '/api/v1/regions//150100', '/api/v1/regions/']) {
      const res = await gw.client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('route_not_found');
    }
  });

  it('echoes a well-formed x-request-id and replaces a hostile one', async () => {
    const echoed = await gw.client.get('/healthz', { headers: { 'x-request-id': 'bank-req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('bank-req-42');
    const replaced = await gw.client.get('/healthz', { headers: { 'x-request-id': 'a b\tc'.repeat(50) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health', () => {
  it('is up and ready on a migrated database', async () => {
    expect((await gw.client.get('/healthz')).body.status).toBe('ok');
    const ready = await gw.client.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, upstream: { ok: true } } });
  });
});
