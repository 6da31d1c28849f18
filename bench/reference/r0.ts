/**
 * R0: express 5 answering a small JSON — the framework's ceiling on this machine.
 * Started by the bench harness as its own process; listens on PORT (loopback).
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/', (_req, res) => {
  res.json({ status: 'ok', service: 'r0', version: 1 });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
