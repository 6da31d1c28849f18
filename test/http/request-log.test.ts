import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { requestLogging } from '../../src/http/request-log.js';
import { TestClient } from '../helpers/http.js';

const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => new Promise((r) => c.server.close(r))));
});

/** An app with the request logger at `level`, and the JSON lines it logs. */
async function appAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(requestLogging(pino({ level }, sink)));
  app.get('/ok', (req, res) => {
    res.json({ id: req.id });
  });
  app.get('/fails', (_req, res) => {
    res.status(503).json({});
  });
  const client = await TestClient.start(app);
  clients.push(client);
  return { client, lines };
}

describe('request logging', () => {
  for (const level of ['info', 'warn']) {
    it(`at ${level}: every request gets an id (a well-formed x-request-id echoed), 5xx answers logged at warn with it`, async () => {
      const { client, lines } = await appAt(level);
      const ok = await client.request('GET', '/ok', { unchecked: true, headers: { 'x-request-id': 'abc-123' } });
      expect(ok.headers.get('x-request-id')).toBe('abc-123');
      expect(ok.body).toEqual({ id: 'abc-123' });
      const odd = await client.request('GET', '/ok', { unchecked: true, headers: { 'x-request-id': 'not ok!' } });
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const failed = await client.request('GET', '/fails?x=1', { unchecked: true });
      const id = failed.headers.get('x-request-id');
      await new Promise((r) => setTimeout(r, 20));
      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ req: { id, method: 'GET', path: '/fails' }, res: { status: 503 }, msg: 'request errored' });
      expect(lines.filter((l) => l.level === 30)).toHaveLength(level === 'info' ? 2 : 0);
    });
  }
});
