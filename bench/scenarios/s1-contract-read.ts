import { ApiError } from '../lib/api.js';
import { dpopPool, Pool } from '../lib/jose-pools.js';
import { measureServer } from '../lib/measure.js';
import { financingFixture } from './financing-fixture.js';
import { notAvailable, type BenchContext, type Outcome, type Scenario } from './scenario.js';

/** DPoP proofs a pool holds per second of load. */
const PROOFS_PER_SECOND = 2_500;
/** A proof's iat must be within 60 s of the gateway's clock; S1d's warm-up and run stay inside that. */
const PROOF_WINDOW_S = 45;

const contractPath = (applicationId: string) => `/api/v1/applications/${applicationId}/contract`;

/** One unmeasured read, so a missing route or a fixture problem shows before the load does. */
async function probe(ctx: BenchContext, headers: Record<string, string>, path: string): Promise<Outcome | undefined> {
  const res = await fetch(ctx.gateway!.server.url + path, { headers });
  const text = await res.text();
  if (res.status === 200) return undefined;
  const err = new ApiError(`GET ${path}: ${res.status} ${text.slice(0, 300)}`, { status: res.status, body: safeJson(text), text });
  if (err.unavailable) return notAvailable('getApplicationContract not published (financing, issue 5)');
  throw err;
}

const safeJson = (t: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(t) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** S1: a bank reads a consented contract (getApplicationContract) with a Bearer token. */
export const s1: Scenario = {
  id: 'S1',
  title: 'getApplicationContract, Bearer',
  target: 'gateway',
  run: async (ctx) => {
    const gw = ctx.gateway!;
    const fixture = await financingFixture(ctx);
    if ('status' in fixture) return fixture;
    const path = contractPath(fixture.bearerApplicationId);
    const headers = { authorization: `Bearer ${await gw.api.token(gw.bank)}` };
    const missing = await probe(ctx, headers, path);
    if (missing) return missing;
    return measureServer(gw.rss, {
      url: gw.server.url,
      method: 'GET',
      path,
      connections: ctx.options.connections,
      durationS: ctx.options.durationS,
      warmupS: ctx.options.warmupS,
      fixed: { headers },
    });
  },
};

/** S1d: the same read with a DPoP-bound token and a fresh proof (own jti) per request, proofs signed before the run. */
export const s1d: Scenario = {
  id: 'S1d',
  title: 'getApplicationContract, DPoP',
  target: 'gateway',
  run: async (ctx) => {
    const gw = ctx.gateway!;
    const fixture = await financingFixture(ctx);
    if ('status' in fixture) return fixture;
    const path = contractPath(fixture.dpopApplicationId);
    const missing = await probe(ctx, await gw.api.authHeaders(gw.dpopBank, 'GET', path), path);
    if (missing) return missing;
    const warmupS = Math.min(ctx.options.warmupS, 5);
    const durationS = Math.min(ctx.options.durationS, PROOF_WINDOW_S - warmupS);
    const token = await gw.api.token(gw.dpopBank);
    const count = Math.max(30_000, (durationS + warmupS) * PROOFS_PER_SECOND);
    ctx.progress(`S1d: signing ${count.toLocaleString('en-US')} DPoP proofs`);
    const pool = new Pool(await dpopPool({ key: gw.dpopBank.dpopKey, htm: 'GET', htu: gw.issuer + path, accessToken: token, count }));
    const result = await measureServer(gw.rss, {
      url: gw.server.url,
      method: 'GET',
      path,
      connections: ctx.options.connections,
      durationS,
      warmupS,
      fixed: { headers: { authorization: `DPoP ${token}` } },
      next: () => ({ headers: { dpop: pool.next() } }),
    }, durationS < ctx.options.durationS ? `run shortened to ${durationS} s (proof iat window)` : undefined);
    if (pool.overrun > 0) result.note = `${result.note ?? ''}; proof pool ran dry (${pool.overrun} repeats refused)`;
    return result;
  },
};
