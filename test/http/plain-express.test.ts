import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import compression from 'compression';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TestClient } from '../helpers/http.js';

let gw: TestGateway;
let compressed: TestClient;
beforeAll(async () => {
  gw = await startTestGateway();
  // A stock middleware in front of the gateway, mounted the way express documents it.
  const outer = express();
  outer.use(compression({ threshold: 0 }));
  outer.use(gw.app);
  compressed = await TestClient.start(outer);
});
afterAll(async () => {
  await gw?.close();
  await compressed?.close();
});

/** GET `path` without decoding, so the test sees the bytes on the wire. */
function rawGet(base: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(base + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the gateway is a plain express app', () => {
  it('works behind compression mounted with app.use: the same answers, gzipped, with their headers', async () => {
    for (const path of ['/api/v1/regions?page_size=50', '/api/v1/regions/150100', '/no/such/path']) {
      const plain = await gw.client.request('GET', path, { unchecked: true });
      const zipped = await rawGet(compressed.baseUrl, path, { 'accept-encoding': 'gzip', 'x-request-id': 'zip-1' });
      expect(zipped.status, path).toBe(plain.status);
      expect(zipped.headers['content-encoding'], path).toBe('gzip');
      expect(zipped.headers['content-type']).toBe(plain.headers.get('content-type'));
      expect(zipped.headers['x-request-id']).toBe('zip-1');
      expect(zipped.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(plain.body);
    }
    const identity = await rawGet(compressed.baseUrl, '/api/v1/regions/150100', { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(identity.body.toString('utf8')).code).toBe('150100');
  });

  it('reads a form body only at the token endpoint; everywhere else only JSON', async () => {
    const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJlLWJ5dGVz';
    const asForm = await gw.client.request('POST', '/api/v1/upstream/notifications', {
      raw: new URLSearchParams({ jws }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // A body of another type is refused for what it is (spec conventions, "Request bodies"), not read as an empty JSON one.
    expect(asForm.status).toBe(415);
    expect(asForm.body).toMatchObject({ code: 'unsupported_media_type', accept: ['application/json'] });
    const asJson = await gw.client.post('/api/v1/upstream/notifications', { jws });
    expect(asJson.status).toBe(401);
    expect(asJson.body.code).toBe('invalid_notification_signature');
  });
});
