import { Writable } from 'node:stream';
import express, { type Response } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.js';
import { errorHandler, notFoundHandler } from '../../src/http/problem.js';
import { RenderableError } from '../../src/http/renderable-error.js';
import { defineRoute, mountRoutes } from '../../src/http/route.js';
import { RouteTable } from '../../src/http/route-table.js';
import { TestClient } from '../helpers/http.js';

class TeapotError extends RenderableError {
  constructor(readonly status: number) {
    super('teapot');
  }
  render(res: Response): void {
    res.status(this.status).setHeader('x-rendered', 'yes').type('text/plain').send(`rendered ${this.status}`);
  }
}

const lines: Record<string, unknown>[] = [];
let client: TestClient;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const route = (path: string, handler: (input: { res: Response }) => unknown) => defineRoute({ method: 'get', path, operationId: path, access: { public: true }, handler });
  const table = new RouteTable();
  mountRoutes(table, [
    route('/domain', () => {
      throw new DomainError(409, 'taken', 'Already taken.', { holder: 'x' }, { 'Retry-After': '3' });
    }),
    route('/renders', async () => {
      await Promise.resolve();
      throw new TeapotError(418);
    }),
    route('/renders-5xx', () => {
      throw new TeapotError(503);
    }),
    route('/partial', async ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      await new Promise<void>((flushed) => res.write('partial', () => flushed()));
      throw new Error('too late');
    }),
    route('/bug', async () => {
      await Promise.resolve();
      throw new TypeError('x is undefined');
    }),
  ]);
  // The gateway's tail, as createApp mounts it.
  const app = express();
  app.use(table.middleware());
  app.use(notFoundHandler);
  app.use(errorHandler(pino({ level: 'error' }, sink)));
  app.get('/late', () => {
    throw new Error('never reached: the 404 answers first');
  });
  client = await TestClient.start(app);
});
afterAll(async () => {
  await client?.close();
});

describe('the one error middleware', () => {
  it('answers a domain error as problem+json with its code, extensions and headers', async () => {
    const res = await client.request('GET', '/domain', { unchecked: true });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body).toMatchObject({ status: 409, code: 'taken', detail: 'Already taken.', holder: 'x' });
  });

  it('lets an error that renders itself write its own answer; a 5xx one is also logged', async () => {
    const teapot = await client.request('GET', '/renders', { unchecked: true });
    expect([teapot.status, teapot.text, teapot.headers.get('x-rendered')]).toEqual([418, 'rendered 418', 'yes']);
    expect(lines).toHaveLength(0);
    const failed = await client.request('GET', '/renders-5xx', { unchecked: true });
    expect([failed.status, failed.text]).toEqual([503, 'rendered 503']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed', err: { message: 'teapot' } });
  });

  it('answers a bug with 500 and a log id, logging the original and exposing nothing of it', async () => {
    lines.length = 0;
    const res = await client.request('GET', '/bug', { unchecked: true });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(res.text).not.toContain('undefined');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ log_id: res.body.log_id, err: { type: 'TypeError' } });
  });

  it('closes the connection when an error comes after the answer began (express’s final handler)', async () => {
    const res = await fetch(`${client.baseUrl}/partial`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('answers what no route matched with 404 route_not_found', async () => {
    const res = await client.request('GET', '/late', { unchecked: true });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });
});
