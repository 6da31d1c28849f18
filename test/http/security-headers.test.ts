import express from 'express';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, helmetHeaders } from '../../src/http/security-headers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TestClient } from '../helpers/http.js';
import { testDatabaseKind } from '../helpers/db.js';

let gw: TestGateway;
let reference: TestClient;
beforeAll(async () => {
  gw = await startTestGateway();
  // helmet itself, as the gateway used to mount it.
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet(HELMET_OPTIONS));
  app.get('/probe', (_req, res) => {
    res.json({});
  });
  reference = await TestClient.start(app);
});
afterAll(async () => {
  await gw?.close();
  await new Promise((r) => reference?.server.close(r));
});

/** Headers every response carries whoever sets them, and the gateway's own. */
const NOT_HELMET = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding', 'x-request-id', 'cache-control', 'www-authenticate']);
const helmetSet = (h: Headers) => Object.fromEntries([...h.entries()].filter(([k]) => !NOT_HELMET.has(k)));

describe(`security headers on ${testDatabaseKind}`, () => {
  it('are exactly the headers helmet sets, on answers, refusals and unknown paths', async () => {
    const expected = helmetSet((await reference.request('GET', '/probe', { unchecked: true })).headers);
    expect(Object.keys(expected).sort()).toEqual([
      'content-security-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'referrer-policy',
      'x-content-type-options',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-frame-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ]);
    expect(expected['content-security-policy']).not.toContain('upgrade-insecure-requests');
    for (const path of ['/healthz', '/api/v1/applications', '/no/such/path']) {
      const res = await gw.client.request('GET', path, { unchecked: true });
      expect(helmetSet(res.headers), path).toEqual(expected);
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('are captured from helmet once, names and values as helmet writes them', () => {
    const captured = helmetHeaders();
    expect(new Set(captured.map(([k]) => k.toLowerCase())).size).toBe(captured.length);
    expect(Object.fromEntries(captured)).toMatchObject({ 'X-Frame-Options': 'SAMEORIGIN', 'X-Content-Type-Options': 'nosniff' });
  });
});
