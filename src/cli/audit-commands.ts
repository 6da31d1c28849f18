import type { Command } from 'commander';
import { createDb } from '../db/knex.js';
import { verifyTree } from '../features/audit/audit-tree.js';
import { KnexAuditStore } from '../features/audit/audit-knex-store.js';
import { jwksHeadCheck } from '../features/audit/head-signatures.js';
import { KnexGatewayKeyStore } from '../features/auth/gateway-keys-knex-store.js';
import { configOrExit } from './config-or-exit.js';

/** `zcd audit verify`: recomputes the audit Merkle tree from its entries and checks every published head. */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('the append-only audit log of bank reads of contract data and administrative actions')
    .command('verify')
    .description('recompute every leaf and root of the audit tree and check every signed tree head; exit 1 naming the first failure')
    .action(async () => {
      const config = configOrExit();
      const db = createDb(config.database);
      try {
        // The keys the gateway still keeps, read as they are (verifying must not make one).
        const jwks = { keys: (await new KnexGatewayKeyStore(db).all()).map((k) => k.publicJwk) };
        const verdict = await verifyTree(new KnexAuditStore(db), jwksHeadCheck(jwks, config.issuer), (n) => process.stderr.write(`\rverified ${n} leaves`));
        process.stderr.write('\n');
        console.log(JSON.stringify(verdict));
        if (!verdict.ok) process.exitCode = 1;
      } finally {
        await db.destroy();
      }
    });
}
