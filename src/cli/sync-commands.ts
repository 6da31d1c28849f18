import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createProcurementCloud } from '../../adapters/create-cloud.js';
import type { Config } from '../config.js';
import { createDb, migrateLatest } from '../db/knex.js';
import { createSyncService } from '../features/sync/sync-module.js';
import { seedRegions } from '../../seeds/regions.js';

/** `zcd sync`: one pass over the cloud's change feed, with progress. */
export function registerSyncCommands(program: Command, { configOrExit }: { configOrExit: () => Config }): void {
  program
    .command('sync')
    .description("bring the procurement cloud's changes in: one pass, page by page, resumable")
    .option('--page-size <n>', 'changes per page (each page is one transaction)')
    .action(async (opts: { pageSize?: string }) => {
      const config = configOrExit();
      const db = createDb(config.database);
      try {
        await migrateLatest(db);
        await seedRegions(db);
        const pageSize = opts.pageSize ? Number(opts.pageSize) : config.syncPageSize;
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) throw new Error('--page-size must be 1–5000');
        const cloud = createProcurementCloud(config.upstream, db);
        const sync = createSyncService(db, { cloud, pageSize });
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: 'sync [{bar}] {value}/{total} changes | {rate}/s | {eta}s left', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
          : undefined;
        const started = Date.now();
        console.log('sync started');
        bar?.start(1, 0, { rate: 0 });
        const result = await sync.runOnce({
          onProgress: (p) => {
            const done = p.applied + p.skipped + p.quarantined;
            bar?.setTotal(done + (p.remaining ?? 0));
            bar?.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) });
          },
        });
        bar?.stop();
        const seconds = (Date.now() - started) / 1000;
        const done = result.applied + result.skipped + result.quarantined;
        console.log(
          `synced: ${result.applied} applied, ${result.skipped} already applied, ${result.quarantined} quarantined, ` +
            `${result.pages} pages in ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 0.001))} changes/s); cursor ${result.cursor ?? '-'}`,
        );
      } finally {
        await db.destroy();
      }
    });
}
