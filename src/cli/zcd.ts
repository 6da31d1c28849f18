#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { packageRoot } from '../paths.js';
import { describeCliError } from './cli-errors.js';
import { createDb, migrateLatest, migrateRollback } from '../db/knex.js';
import { createLogger } from '../logger.js';
import { seedRegions } from '../../seeds/regions.js';
import { registerCommands } from './command-groups.js';
import { configOrExit } from './config-or-exit.js';
import { cleanArgs } from '../text-rule.js';

const program = new Command()
  .name('zcd')
  .description('zcd-gateway — the 政采贷 contract-financing integration gateway')
  .version((JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version, '-V, --version', 'print the version')
  .showHelpAfterError();

/** Any error, anywhere: one line naming what is at fault, exit 1 — never a stack trace. */
function die(err: unknown): never {
  let ctx = {};
  try {
    const c = loadConfig();
    ctx = { database: c.database, port: c.port, host: c.host };
  } catch {
    // a bad configuration was reported as such already
  }
  process.stderr.write(`zcd: ${describeCliError(err, ctx)}\n`);
  if (process.env.ZCD_DEBUG === 'true' && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

program
  .command('serve')
  .description('migrate the database and serve the API (stops cleanly on SIGTERM)')
  .action(async () => {
    const config = configOrExit();
    const logger = createLogger(config.logLevel);
    // The server is what only this command needs: the other commands start without loading it.
    const { startGateway } = await import('../server.js');
    const gateway = await startGateway(config, logger);
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      gateway.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    // One plain line for people, beside the JSON logs.
    const base = config.issuer;
    process.stderr.write(`zcd-gateway ${program.version() ?? ''} ready: ${base}/  API reference ${base}/docs  SME portal ${base}/portal  bureau console ${base}/console\n`);
  });

program
  .command('migrate')
  .description('apply pending migrations (or undo the last batch with --rollback)')
  .option('--rollback', 'undo the last batch of migrations')
  .option('--all', 'with --rollback: undo every migration')
  .action(async (opts: { rollback?: boolean; all?: boolean }) => {
    const config = configOrExit();
    const db = createDb(config.database);
    try {
      if (opts.rollback) {
        const undone = await migrateRollback(db, opts.all === true);
        console.log(undone.length ? `rolled back: ${undone.join(', ')}` : 'nothing to roll back');
      } else {
        const applied = await migrateLatest(db);
        const regions = await seedRegions(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
        console.log(`regions: ${regions}`);
      }
    } finally {
      await db.destroy();
    }
  });

// The text rule of the API holds for arguments too (spec conventions, "Text"): refused before any command runs.
const args = cleanArgs(process.argv.slice(2));
if (!args.ok) {
  console.error(`zcd: argument ${args.index + 1} ${args.detail}`);
  process.exit(2);
}
await registerCommands(program, args.args[0]).catch(die);
await program.parseAsync([...process.argv.slice(0, 2), ...args.args]).catch(die);
