import { createServer, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, serveWithoutRouter } from '../../src/http/pipeline.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(steps: RequestHandler[]): Promise<string> {
  const app = express();
  const onError: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(500).json({ error: (err as Error).message });
  };
  serveWithoutRouter(app, { chain: pipeline(steps), notFound: (_req, res) => void res.status(404).json({ nothing: true }), onError });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('serving without express’s router', () => {
  it('gives handlers express’s request and response (query, path, json), and answers 404 after the chain', async () => {
    const url = await serve([
      (req, res, next) => {
        if (req.path !== '/echo') return next();
        res.json({ q: req.query.q, path: req.path });
      },
    ]);
    expect(await (await fetch(`${url}/echo?q=1`)).json()).toEqual({ q: '1', path: '/echo' });
    const missing = await fetch(`${url}/else`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ nothing: true });
  });

  it('sends errors, passed on or rejected, to the error handler; one after the answer began closes the connection', async () => {
    const url = await serve([
      async (req, res) => {
        if (req.path === '/reject') throw new Error('rejected');
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        throw new Error('too late');
      },
    ]);
    const rejected = await fetch(`${url}/reject`);
    expect(rejected.status).toBe(500);
    expect(await rejected.json()).toEqual({ error: 'rejected' });
    const late = await fetch(`${url}/late`);
    expect(late.status).toBe(200);
    await expect(late.text()).rejects.toThrow();
  });
});
