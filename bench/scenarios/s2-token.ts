import { assertionPool, Pool, tokenForm } from '../lib/jose-pools.js';
import { measureServer } from '../lib/measure.js';
import type { Scenario } from './scenario.js';

/** Token requests a pool must cover per second of load (generously above the gateway's rate). */
const POOL_PER_SECOND = 2_500;

/**
 * S2: `POST /oauth2/token`, client_credentials with `private_key_jwt`, a fresh assertion (own jti) per request.
 * Assertions are signed before the run so the load generator does not compete for the CPU while measuring.
 */
export const s2: Scenario = {
  id: 'S2',
  title: 'token endpoint, private_key_jwt',
  target: 'gateway',
  run: async (ctx) => {
    const gw = ctx.gateway!;
    const seconds = ctx.options.durationS + ctx.options.warmupS;
    const count = Math.max(30_000, seconds * POOL_PER_SECOND);
    ctx.progress(`S2: signing ${count.toLocaleString('en-US')} client assertions`);
    const started = performance.now();
    const forms = (
      await assertionPool({ clientId: gw.bank.clientId, key: gw.bank.key, audience: gw.issuer, count, lifetimeS: 300 })
    ).map(tokenForm);
    ctx.progress(`S2: signed in ${((performance.now() - started) / 1000).toFixed(1)} s; driving the token endpoint`);
    const pool = new Pool(forms);
    const result = await measureServer(gw.rss, {
      url: gw.server.url,
      method: 'POST',
      path: '/oauth2/token',
      connections: ctx.options.connections,
      durationS: ctx.options.durationS,
      warmupS: ctx.options.warmupS,
      fixed: { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      next: () => ({ body: pool.next() }),
    }, 'Bearer tokens; ES256 assertions');
    if (pool.overrun > 0) result.note = `${result.note ?? ''}; assertion pool ran dry (${pool.overrun} repeats refused)`;
    return result;
  },
};
