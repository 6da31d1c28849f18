import { randomUUID } from 'node:crypto';
import { Pool } from '../lib/jose-pools.js';
import { measureServer } from '../lib/measure.js';
import { financingFixture } from './financing-fixture.js';
import type { BenchContext, Measured, NotAvailable, Outcome, Scenario } from './scenario.js';

type Request = { headers: Record<string, string>; body: string };

const POOL = 's3-pool';

/**
 * The createApplication requests of the fixture, one per financeable contract, as one pool that S3 and S3k
 * draw from in turn: a contract applied for in S3 is not applied for again in S3k.
 */
async function applicationPool(ctx: BenchContext): Promise<Pool<Request> | NotAvailable> {
  const known = ctx.shared.get(POOL) as Pool<Request> | undefined;
  if (known) return known;
  const fixture = await financingFixture(ctx);
  if ('status' in fixture) return fixture;
  const pool = new Pool(fixture.applications.map((a) => ({ headers: { authorization: `Bearer ${a.supplierToken}` }, body: a.body })));
  ctx.shared.set(POOL, pool);
  return pool;
}

/** Measures createApplication from the shared pool; `keyed` adds a fresh Idempotency-Key to each request. */
async function createApplications(ctx: BenchContext, keyed: boolean): Promise<Outcome> {
  const gw = ctx.gateway!;
  const pool = await applicationPool(ctx);
  if (!(pool instanceof Pool)) return pool;
  const overrunBefore = pool.overrun;
  const usedBefore = pool.used;
  const next = keyed
    ? () => {
        const r = pool.next();
        return { ...r, headers: { ...r.headers, 'idempotency-key': randomUUID() } };
      }
    : () => pool.next();
  const result: Measured = await measureServer(gw.rss, {
    url: gw.server.url,
    method: 'POST',
    path: '/api/v1/supplier/applications',
    connections: ctx.options.connections,
    durationS: ctx.options.durationS,
    warmupS: ctx.options.warmupS,
    fixed: { headers: { 'content-type': 'application/json' } },
    next,
  });
  const overrun = pool.overrun - overrunBefore;
  result.note = `${(pool.used - usedBefore).toLocaleString('en-US')} requests`;
  if (overrun > 0) result.note += `; ran out of contracts (${overrun} repeats refused)`;
  return result;
}

/** S3: createApplication by many SMEs, each request for a different financeable contract. */
export const s3: Scenario = {
  id: 'S3',
  title: 'createApplication, many SMEs/contracts',
  target: 'gateway',
  run: (ctx) => createApplications(ctx, false),
};

/** S3k: S3 with an Idempotency-Key on every request, as the SME portal sends it. */
export const s3k: Scenario = {
  id: 'S3k',
  title: 'createApplication with Idempotency-Key',
  target: 'gateway',
  run: (ctx) => createApplications(ctx, true),
};
