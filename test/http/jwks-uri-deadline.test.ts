import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteJwks, RemoteJwksError } from '../../src/features/auth/remote-jwks.js';

// A client's jwks_uri that drips its document a few bytes every 250 ms is never silent for long: the fetch
// must still end at JWKS_URI_TIMEOUT_MS.
let server: Server;
let url: string;
const timers = new Set<NodeJS.Timeout>();
beforeAll(async () => {
  server = createServer((_req, res) => {
    const body = Buffer.from(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a'.repeat(43), y: 'b'.repeat(43), kid: 'k' }] }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    let at = 0;
    const t = setInterval(() => {
      if (res.destroyed || at >= body.length) return void (clearInterval(t), res.end());
      res.write(body.subarray(at, (at += 3)));
    }, 250);
    timers.add(t);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('fetching a jwks_uri that drips', () => {
  it('gives up at the deadline, body included', async () => {
    const remote = new RemoteJwks({ jwksUriAllowPrivate: true, jwksUriTimeoutMs: 700, jwksUriCooldownMs: 30_000, jwksUriCacheMs: 600_000 });
    const started = performance.now();
    const err = await remote.keys(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteJwksError);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
