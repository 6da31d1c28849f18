import type { Command } from 'commander';
import { createDb } from '../db/knex.js';
import { verifyChain } from '../features/audit/access-chain.js';
import { KnexAccessChainStore } from '../features/audit/access-chain-knex-store.js';
import { configOrExit } from './config-or-exit.js';

/** `zcd audit verify`: walks the data-access hash chain and names the first broken link. */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('the append-only audit log of bank reads of contract data')
    .command('verify')
    .description('recompute every hash of the chain; exit 1 naming the first broken link')
    .action(async () => {
      const config = configOrExit();
      const db = createDb(config.database);
      try {
        const verdict = await verifyChain(new KnexAccessChainStore(db), (n) => process.stderr.write(`\rverified ${n} entries`));
        process.stderr.write('\n');
        console.log(JSON.stringify(verdict));
        if (!verdict.ok) process.exitCode = 1;
      } finally {
        await db.destroy();
      }
    });
}
