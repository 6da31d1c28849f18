import type { Command } from 'commander';
import { epochMs, isoTime, systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createDb, migrateLatest } from '../db/knex.js';
import { createLogger } from '../logger.js';
import { KnexEventsStore } from '../features/events/events-knex-store.js';
import { createDispatcher } from '../features/events/webhook-dispatcher.js';
import { newWebhookSecret } from '../features/institutions/client-onboarding.js';
import { seedRegions } from '../../seeds/regions.js';
import { CliError, withDatabase } from './cli-support.js';
import { runDemo } from './demo.js';
import { describeCliError } from './cli-errors.js';

/** `zcd deliver`, `zcd webhooks rotate-secret` and `zcd demo`. */
export function registerEventsCommands(program: Command, { configOrExit }: { configOrExit: () => Config }): void {
  program
    .command('deliver')
    .description('send due webhooks (as zcd serve does) until SIGTERM; several may run on one PostgreSQL database')
    .option('--once', 'send what is due now, then exit')
    .action(async (opts: { once?: boolean }) => {
      const config = configOrExit();
      const logger = createLogger(config.logLevel);
      const db = createDb(config.database);
      await migrateLatest(db);
      const dispatcher = createDispatcher(new KnexEventsStore(db), config, logger.child({ module: 'webhooks' }));
      if (opts.once) {
        const delivered = await dispatcher.drain();
        console.log(`delivered: ${delivered}`);
        await db.destroy();
        return;
      }
      dispatcher.start();
      logger.info('webhook dispatcher running');
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await dispatcher.stop();
      await db.destroy();
      logger.info('webhook dispatcher stopped');
    });

  program
    .command('webhooks')
    .description("institutions' webhook endpoints")
    .command('rotate-secret')
    .description('give an institution a new webhook secret (printed once); the old one keeps signing alongside it for the overlap')
    .argument('<client_id>', "the institution's client id")
    .option('--overlap-hours <h>', 'how long both secrets sign', '24')
    .action((clientId: string, opts: { overlapHours: string }) =>
      withDatabase(async (db) => {
        const hours = Number(opts.overlapHours);
        if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 30) throw new CliError('--overlap-hours must be 0–720');
        const secret = newWebhookSecret();
        const now = epochMs(systemClock);
        const until = now + hours * 3_600_000;
        if (!(await new KnexEventsStore(db).rotateSecret(clientId, secret, until, now))) throw new CliError(`no institution ${clientId}`);
        return { client_id: clientId, webhook_secret: secret, previous_secret_valid_until: isoTime(until) };
      }),
    );

  program
    .command('demo')
    .description('the whole story against a running gateway on the sandbox cloud: onboard a bank, apply, approve, lock, disburse, get paid, settle — with webhooks')
    .option('--gateway <url>', 'the running gateway (default: ISSUER_URL)')
    .option('--wait-ms <ms>', 'longest wait for one webhook', '15000')
    .action(async (opts: { gateway?: string; waitMs: string }) => {
      const config = configOrExit();
      const db = createDb(config.database);
      try {
        await migrateLatest(db);
        await seedRegions(db);
        await runDemo(db, config, { gateway: opts.gateway ?? config.issuer, waitMs: Number(opts.waitMs), print: (l) => console.log(l) });
      } catch (err) {
        process.stderr.write(`zcd demo failed: ${describeCliError(err, { database: config.database })}\n`);
        process.exitCode = 1;
      } finally {
        await db.destroy();
      }
    });
}
