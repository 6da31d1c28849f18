import { Pool } from '../lib/jose-pools.js';
import { measureServer } from '../lib/measure.js';
import { financingFixture } from './financing-fixture.js';
import type { Scenario } from './scenario.js';

/** S3: createApplication by many SMEs, each request for a different financeable contract. */
export const s3: Scenario = {
  id: 'S3',
  title: 'createApplication, many SMEs/contracts',
  target: 'gateway',
  run: async (ctx) => {
    const gw = ctx.gateway!;
    const fixture = await financingFixture(ctx);
    if ('status' in fixture) return fixture;
    const pool = new Pool(fixture.applications.map((a) => ({ headers: { authorization: `Bearer ${a.supplierToken}` }, body: a.body })));
    const result = await measureServer(gw.rss, {
      url: gw.server.url,
      method: 'POST',
      path: '/api/v1/supplier/applications',
      connections: ctx.options.connections,
      durationS: ctx.options.durationS,
      warmupS: ctx.options.warmupS,
      fixed: { headers: { 'content-type': 'application/json' } },
      next: () => pool.next(),
    }, `${fixture.applications.length.toLocaleString('en-US')} contracts`);
    if (pool.overrun > 0) result.note = `${result.note ?? ''}; ran out of contracts (${pool.overrun} repeats refused)`;
    return result;
  },
};
