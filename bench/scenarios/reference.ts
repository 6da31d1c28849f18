import { join } from 'node:path';
import { newKey } from '../lib/jose-pools.js';
import { createBenchDatabase } from '../lib/database.js';
import { measureServer } from '../lib/measure.js';
import { startServer, type ServerProcess } from '../lib/processes.js';
import { RssSampler } from '../lib/rss.js';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { r1ContractNo } from '../reference/contract-rows.js';
import type { BenchContext, Measured, Scenario } from './scenario.js';

/** Starts a reference server (TypeScript under tsx, its own process), measures it, stops it. */
async function withReference(
  ctx: BenchContext,
  name: string,
  env: Record<string, string>,
  fn: (server: ServerProcess, rss: RssSampler) => Promise<Measured>,
): Promise<Measured> {
  const server = await startServer({
    name,
    args: ['--import', 'tsx', join(ctx.root, 'bench', 'reference', `${name}.ts`)],
    env: { NODE_ENV: 'production', ...env },
    cwd: ctx.root,
    readyPath: '/healthz',
  });
  const rss = new RssSampler(server.pid).start();
  try {
    return await fn(server, rss);
  } finally {
    rss.stop();
    await server.stop();
  }
}

/** R0: express 5 answering a small JSON. */
export const r0: Scenario = {
  id: 'R0',
  title: 'express 5, small JSON',
  target: 'reference',
  run: (ctx) =>
    withReference(ctx, 'r0', {}, (server, rss) =>
      measureServer(rss, {
        url: server.url,
        method: 'GET',
        path: '/',
        connections: ctx.options.connections,
        durationS: ctx.options.durationS,
        warmupS: ctx.options.warmupS,
      }),
    ),
};

/** R1: express 5 + jose verifying a gateway-style access token + one prepared-statement PK read (~1.5 KB JSON). */
export const r1: Scenario = {
  id: 'R1',
  title: 'express 5 + jose at+jwt + PK read',
  target: 'reference',
  run: async (ctx) => {
    const db = await createBenchDatabase(ctx.options.db, ctx.options.pgUrl, 'r1');
    try {
      const kid = randomUUID();
      const key = await newKey(kid);
      const issuer = 'http://127.0.0.1:1';
      const iat = Math.floor(Date.now() / 1000);
      // The claims the gateway's TokenService puts in a Bearer access token.
      const token = await new SignJWT({ client_id: 'ins_bench', scope: 'institution', zcd_kjkt: 'x'.repeat(43), zcd_kind: 'institution' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .setIssuer(issuer)
        .setSubject('ins_bench')
        .setAudience(issuer)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .setJti(randomUUID())
        .sign(key.privateKey);
      return await withReference(ctx, 'r1', { DATABASE_URL: db.url, R1_ISSUER: issuer, R1_PUBLIC_JWK: JSON.stringify(key.publicJwk) }, (server, rss) =>
        measureServer(
          rss,
          {
            url: server.url,
            method: 'GET',
            path: `/contracts/${r1ContractNo(4242)}`,
            connections: ctx.options.connections,
            durationS: ctx.options.durationS,
            warmupS: ctx.options.warmupS,
            fixed: { headers: { authorization: `Bearer ${token}` } },
          },
          ctx.options.db === 'postgres' ? 'pg prepared statement' : 'better-sqlite3 prepared statement',
        ),
      );
    } finally {
      await db.drop();
    }
  },
};
