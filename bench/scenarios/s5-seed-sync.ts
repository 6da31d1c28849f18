import { createBenchDatabase } from '../lib/database.js';
import { freePort } from '../lib/processes.js';
import { gatewayEnv } from '../lib/gateway.js';
import { ZcdCli } from '../lib/zcd-cli.js';
import { notAvailable, type Scenario } from './scenario.js';

/** S5 (opt-in, `--s5`): `zcd seed --contracts N && zcd sync` on a fresh database; contracts synced per second. */
export const s5: Scenario = {
  id: 'S5',
  title: 'zcd seed + zcd sync',
  target: 'cli',
  optIn: true,
  run: async (ctx) => {
    const db = await createBenchDatabase(ctx.options.db, ctx.options.pgUrl, 's5');
    try {
      const zcd = new ZcdCli(ctx.root, gatewayEnv(db, await freePort()));
      if (!(await zcd.has('seed')) || !(await zcd.has('sync'))) return notAvailable('needs `zcd seed` and `zcd sync` (issue 4)');
      const n = ctx.options.s5Contracts;
      ctx.progress(`S5: zcd seed --contracts ${n.toLocaleString('en-US')}`);
      const seed = await zcd.run(['seed', '--contracts', String(n)]);
      if (seed.code !== 0) throw new Error(`zcd seed failed (${seed.code}): ${seed.stderr.slice(-2000)}`);
      ctx.progress(`S5: seeded in ${(seed.ms / 1000).toFixed(1)} s; zcd sync`);
      const sync = await zcd.run(['sync']);
      if (sync.code !== 0) throw new Error(`zcd sync failed (${sync.code}): ${sync.stderr.slice(-2000)}`);
      return {
        status: 'measured',
        rowsPerSec: n / (sync.ms / 1000),
        note: `${n.toLocaleString('en-US')} contracts: seed ${(seed.ms / 1000).toFixed(1)} s, sync ${(sync.ms / 1000).toFixed(1)} s (rate = sync)`,
      };
    } finally {
      await db.drop();
    }
  },
};
