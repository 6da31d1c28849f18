import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { SandboxCloud, SANDBOX_DEMO_CONTRACTS, SANDBOX_MAX_CONTRACTS } from '../../adapters/sandbox/sandbox-cloud.js';
import type { AccountChangeBehaviour } from '../../adapters/sandbox/generator.js';
import type { Contract } from '../../adapters/procurement-cloud.js';
import type { Config } from '../config.js';
import { createDb, migrateLatest, type Knex } from '../db/knex.js';
import { isValidUscc } from '../domain/uscc.js';
import { seedRegions } from '../../seeds/regions.js';
import { CliError } from './cli-support.js';
import { printTable, yuan } from './table.js';

/**
 * A bar on stderr counting contracts while `what` runs at a terminal; nothing in a pipe, nor for fewer than
 * `from` contracts (a scan too short to notice).
 */
function contractProgress(what: string, from = 0): { onProgress: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: `${what} [{bar}] {value}/{total} contracts | {eta}s left`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let shown = false;
  return {
    onProgress: (done, total) => {
      if (total < from) return;
      if (shown) bar.update(done);
      else bar.start(total, done);
      shown = true;
    },
    stop: () => {
      if (shown) bar.stop();
    },
  };
}

const contractJson = (c: Contract) => ({
  contract_no: c.contractNo,
  project_no: c.projectNo,
  status: c.status,
  signed_on: c.signedOn,
  amount_fen: c.amountFen,
  category: c.category,
  procurement_method: c.procurementMethod,
  supplier: c.supplier,
  purchaser: { name: c.purchaser.name, region_code: c.purchaser.regionCode },
});

async function withSandbox(config: Config, fn: (sandbox: SandboxCloud, db: Knex) => Promise<void>): Promise<void> {
  if (config.upstream.kind !== 'sandbox') throw new Error('the sandbox commands need UPSTREAM=sandbox');
  const db = createDb(config.database);
  try {
    await migrateLatest(db);
    await seedRegions(db);
    await fn(new SandboxCloud(db), db);
  } finally {
    await db.destroy();
  }
}

function integer(name: string, value: string, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) throw new CliError(`${name} must be a whole number from 0 to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

/** `zcd seed` and `zcd sandbox …`: the sandbox procurement cloud's data, clock, tokens and behaviour. */
export function registerSandboxCommands(program: Command, { configOrExit }: { configOrExit: () => Config }): void {
  program
    .command('seed')
    .description('seed the sandbox procurement cloud with deterministic Inner Mongolia contracts (adds up to N)')
    .option('--contracts <n>', `contracts the sandbox should hold (max ${SANDBOX_MAX_CONTRACTS})`, String(SANDBOX_DEMO_CONTRACTS))
    .action(async (opts: { contracts: string }) => {
      const target = integer('--contracts', opts.contracts, SANDBOX_MAX_CONTRACTS);
      await withSandbox(configOrExit(), async (sandbox) => {
        const progress = contractProgress('seed');
        const started = Date.now();
        const result = await sandbox.seed(target, progress.onProgress).finally(progress.stop);
        const seconds = (Date.now() - started) / 1000;
        console.log(`seeded: ${result.added} contracts added, ${result.total} in the sandbox (${seconds.toFixed(1)} s)`);
      });
    });

  const sandbox = program.command('sandbox').description('the sandbox procurement cloud');

  sandbox
    .command('status')
    .description('contracts seeded and the sandbox clock')
    .action(async () => {
      await withSandbox(configOrExit(), async (s) => {
        console.log(JSON.stringify({ contracts: await s.contractCount(), clock: new Date(await s.clock()).toISOString() }));
      });
    });

  sandbox
    .command('suppliers')
    .description('the suppliers holding seeded contracts, most contracts first: USCC, name, SME, region (sign in as one with zcd sandbox supplier-token)')
    .option('--limit <n>', 'how many to show (0: all)', '20')
    .option('--json', 'print JSON instead')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = integer('--limit', opts.limit, 1_000_000);
      await withSandbox(configOrExit(), async (s) => {
        const progress = contractProgress('suppliers', 50_000);
        const all = await s.listSuppliers(progress.onProgress).finally(progress.stop);
        const shown = limit === 0 ? all : all.slice(0, limit);
        if (opts.json) {
          console.log(JSON.stringify(shown.map((x) => ({ uscc: x.uscc, name: x.name, sme: x.sme, region_code: x.regionCode, contracts: x.contracts })), null, 2));
          return;
        }
        printTable(
          ['uscc', 'name', 'sme', 'region', 'contracts'],
          shown.map((x) => [x.uscc, x.name, x.sme ? 'yes' : 'no', x.regionCode, x.contracts]),
          'no contracts seeded yet: zcd seed',
        );
        if (shown.length < all.length) console.log(`${shown.length} of ${all.length} suppliers; --limit 0 for all`);
      });
    });

  sandbox
    .command('contracts')
    .description('the seeded contracts as the cloud shows them at its clock, in contract-number order (amounts in yuan; amount_fen in --json)')
    .option('--supplier <uscc>', "only this supplier's")
    .option('--after <contract_no>', 'continue after this contract (the next page)')
    .option('--limit <n>', 'how many to show', '20')
    .option('--json', 'print JSON instead')
    .action(async (opts: { supplier?: string; after?: string; limit: string; json?: boolean }) => {
      const limit = integer('--limit', opts.limit, 10_000);
      if (limit === 0) throw new CliError('--limit must be a whole number from 1 to 10000, not "0"');
      if (opts.supplier !== undefined && !isValidUscc(opts.supplier)) throw new CliError(`--supplier: ${JSON.stringify(opts.supplier)} is not a valid USCC (GB 32100 check character)`);
      if (opts.after !== undefined && !/^NMZC-HT-[0-9]{7}$/.test(opts.after)) throw new CliError(`--after: ${JSON.stringify(opts.after)} is not a sandbox contract number (NMZC-HT-0000001)`);
      await withSandbox(configOrExit(), async (s) => {
        const progress = contractProgress('contracts', 50_000);
        const page = await s.listContracts({ after: opts.after, limit, supplierUscc: opts.supplier }, progress.onProgress).finally(progress.stop);
        if (opts.json) {
          console.log(JSON.stringify({ items: page.contracts.map(contractJson), next_after: page.next ?? null }, null, 2));
          return;
        }
        printTable(
          ['contract_no', 'status', 'signed_on', 'amount (yuan)', 'supplier', 'supplier_uscc', 'purchaser'],
          page.contracts.map((c) => [c.contractNo, c.status, c.signedOn, yuan(c.amountFen), c.supplier.name, c.supplier.uscc, c.purchaser.name]),
          opts.supplier ? `no seeded contracts of ${opts.supplier}` : 'no contracts seeded yet: zcd seed',
        );
        const more = [...(opts.supplier ? ['--supplier', opts.supplier] : []), '--after', page.next ?? '', ...(opts.limit !== '20' ? ['--limit', opts.limit] : [])];
        if (page.next) console.log(`more: zcd sandbox contracts ${more.join(' ')}`);
      });
    });

  sandbox
    .command('advance')
    .description('move the sandbox clock forward; acceptances and payments now due appear in the feed')
    .option('--days <n>', 'days to advance', '0')
    .option('--hours <n>', 'hours to advance', '0')
    .action(async (opts: { days: string; hours: string }) => {
      const ms = integer('--days', opts.days, 3650) * 86_400_000 + integer('--hours', opts.hours, 87_600) * 3_600_000;
      await withSandbox(configOrExit(), async (s) => {
        const r = await s.advanceClock(ms);
        console.log(`sandbox clock: ${new Date(r.clock).toISOString()}; ${r.published} changes published`);
      });
    });

  sandbox
    .command('supplier-token')
    .description("print a supplier identity token signed by the sandbox cloud, addressed to this gateway's issuer")
    .requiredOption('--uscc <uscc>', "the supplier's 统一社会信用代码")
    .option('--name <name>', 'the supplier name (default: the seeded supplier with this USCC)')
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .action(async (opts: { uscc: string; name?: string; ttl: string }) => {
      if (!isValidUscc(opts.uscc)) throw new Error('--uscc is not a valid USCC (GB 32100 check character)');
      const config = configOrExit();
      await withSandbox(config, async (s) => {
        console.log(await s.issueSupplierToken({ uscc: opts.uscc, name: opts.name, audience: config.issuer, ttlSeconds: integer('--ttl', opts.ttl, 86_400) }));
      });
    });

  sandbox
    .command('account-change-behaviour')
    .description('make the sandbox confirm, refuse or delay collection-account changes for a contract')
    .requiredOption('--contract <no>', 'the contract number')
    .requiredOption('--behaviour <b>', 'confirm | refuse | delay')
    .action(async (opts: { contract: string; behaviour: string }) => {
      if (!['confirm', 'refuse', 'delay'].includes(opts.behaviour)) throw new Error('--behaviour must be confirm, refuse or delay');
      await withSandbox(configOrExit(), async (s) => {
        await s.configureAccountChange(opts.contract, opts.behaviour as AccountChangeBehaviour);
        console.log(`${opts.contract}: ${opts.behaviour}`);
      });
    });
}
