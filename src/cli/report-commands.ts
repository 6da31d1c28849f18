import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KnexStatisticsStore } from '../features/statistics/statistics-knex-store.js';
import { StatisticsService } from '../features/statistics/statistics-service.js';
import { monthlyReportCsv } from '../features/statistics/monthly-report-csv.js';
import { monthlyReportDto, monthlyReportQuery } from '../features/statistics/statistics-schemas.js';
import { parsePart } from '../http/validate.js';
import { CliError, withDatabase } from './cli-support.js';

/** `zcd report monthly`: the monthly report of a region, as CSV (default) or JSON, to a file or stdout. */
export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('supervision reports')
    .command('monthly')
    .description("one month's business per institution in a region, slowest to decide first")
    .requiredOption('--region <code>', 'GB/T 2260 region code, e.g. 150000 or 150100')
    .option('--month <YYYY-MM>', 'calendar month in UTC+08:00 (default: the previous month)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--out <file>', 'write here instead of to stdout')
    .action((opts: { region: string; month?: string; format: string; out?: string }) =>
      withDatabase(async (db) => {
        if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError(`--format must be csv or json, not ${opts.format}`);
        const q = parsePart(monthlyReportQuery, { region: opts.region, ...(opts.month ? { month: opts.month } : {}) }, 'query');
        // The operator at the command line sees every region, as the 150000 bureau would.
        const report = await new StatisticsService(new KnexStatisticsStore(db)).monthlyReport('operator', q.region, q.month);
        const text = opts.format === 'csv' ? monthlyReportCsv(report) : JSON.stringify(monthlyReportDto(report), null, 2) + '\n';
        if (opts.out === undefined) {
          process.stdout.write(text);
        } else {
          writeFileSync(opts.out, text);
          process.stderr.write(`zcd: wrote ${opts.out} (${report.institutions.length} institutions, ${report.month})\n`);
        }
      }),
    );
}
