/**
 * `npm run bench` / `zcd bench`: measures the gateway against reference servers in one run (issue 8).
 * Every server is its own process; autocannon drives them over loopback from this one.
 * Prints the scenario table and the targets, and writes them as JSON under bench/results/.
 * Exits 0 whatever the figures (a miss is a measurement), non-zero only when the harness fails.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { formatCpuProfile, summariseCpuProfile } from './lib/cpu-profile.js';
import { createBenchDatabase, type BenchDatabase } from './lib/database.js';
import { startGateway } from './lib/gateway.js';
import { parseOptions, USAGE, type BenchOptions } from './lib/options.js';
import { runCommand } from './lib/processes.js';
import { checkTargets, meanOfRuns, resultDocument, scenarioTable, selectScenarios, targetTable, type Row } from './lib/report.js';
import { mb } from './lib/rss.js';
import { prepareFinancingData } from './scenarios/financing-fixture.js';
import { r0, r1 } from './scenarios/reference.js';
import { s1, s1d } from './scenarios/s1-contract-read.js';
import { s2 } from './scenarios/s2-token.js';
import { s3, s3k } from './scenarios/s3-create-application.js';
import { s4 } from './scenarios/s4-webhook-latency.js';
import { s5 } from './scenarios/s5-seed-sync.js';
import { s6 } from './scenarios/s6-dashboard.js';
import type { BenchContext, Outcome, Scenario } from './scenarios/scenario.js';

/** Every scenario, in table order. */
export const SCENARIOS: Scenario[] = [r0, r1, s1, s1d, s2, s3, s3k, s4, s5, s6];

const progress = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function summary(o: Outcome): string {
  if (o.status !== 'measured') return `${o.status === 'n/a' ? 'n/a (not available in this build)' : 'FAILED'}: ${o.reason}`;
  const parts = [
    o.rowsPerSec !== undefined ? `${Math.round(o.rowsPerSec).toLocaleString('en-US')} rows/s` : undefined,
    o.reqPerSec !== undefined ? `${Math.round(o.reqPerSec).toLocaleString('en-US')} req/s` : undefined,
    o.p50Ms !== undefined ? `p50 ${Math.round(o.p50Ms * 10) / 10} ms` : undefined,
    o.p99Ms !== undefined ? `p99 ${Math.round(o.p99Ms * 10) / 10} ms` : undefined,
    o.errors !== undefined ? `errors ${o.errors}` : undefined,
    o.peakRssMb !== undefined ? `peak RSS ${o.peakRssMb} MB` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

async function runOne(ctx: BenchContext, s: Scenario, rows: Row[]): Promise<void> {
  progress(`${s.id} ${s.title} …`);
  let outcome: Outcome;
  try {
    outcome = await s.run(ctx);
  } catch (err) {
    outcome = { status: 'failed', reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
    console.error(err);
  }
  rows.push({ id: s.id, title: s.title, target: s.target, outcome });
  progress(`${s.id} ${summary(outcome)}`);
}

async function main(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const root = packageRoot;
  const machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const settings = { db: options.db, duration_s: options.durationS, warmup_s: options.warmupS, connections: options.connections, s5: options.s5 };
  progress(`machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.memory_gb} GB, node ${machine.node}; ${JSON.stringify(settings)}`);

  if (options.build) {
    progress('npm run build');
    const b = await runCommand('npm', ['run', 'build'], { cwd: root });
    if (b.code !== 0) throw new Error(`npm run build failed:\n${b.stdout}${b.stderr}`);
  }

  const selected = selectScenarios(SCENARIOS, options.only, new Set(options.s5 ? ['S5'] : []));
  const ctx: BenchContext = { options, root, progress, shared: new Map() };
  const rows: Row[] = [];
  const profileDir = join(root, 'bench', 'results', 'profiles');

  const references = selected.filter((s) => s.target === 'reference');
  for (const s of references) await runOne(ctx, s, rows);

  const gatewayScenarios = selected.filter((s) => s.target === 'gateway');
  if (gatewayScenarios.length) {
    let db: BenchDatabase | undefined;
    try {
      db = await createBenchDatabase(options.db, options.pgUrl, 'gw');
      progress(`gateway: onboarding clients with zcd on ${options.db}, starting node dist/src/cli/zcd.js serve`);
      ctx.gateway = await startGateway(
        root,
        db,
        (zcd) => (gatewayScenarios.some((s) => ['S1', 'S1d', 'S3', 'S3k', 'S4'].includes(s.id)) ? prepareFinancingData(ctx, zcd) : Promise.resolve()),
        options.cpuProf ? { cpuProfDir: profileDir } : {},
      );
      progress(`gateway: pid ${ctx.gateway.server.pid} at ${ctx.gateway.server.url}`);
      for (const s of gatewayScenarios) {
        await runOne(ctx, s, rows);
        const code = ctx.gateway.server.exitCode();
        if (code !== undefined) throw new Error(`the gateway exited (${code}) during ${s.id}:\n${ctx.gateway.server.output()}`);
        if (s.id === 'S1' && references.length) {
          // The references again in reverse order (R0 R1 · S1 · R1 R0): each one's two runs sit
          // symmetrically around S1, so a machine that speeds up or slows down during the run moves
          // both sides of S1's ratios alike. The table shows the mean of the two.
          progress('references again, in reverse order, so that their mean brackets S1');
          const again: Row[] = [];
          for (const r of [...references].reverse()) await runOne(ctx, r, again);
          for (const second of again) {
            const i = rows.findIndex((row) => row.id === second.id);
            if (i >= 0) rows[i] = { ...rows[i]!, outcome: meanOfRuns(rows[i]!.outcome, second.outcome) };
          }
        }
      }
      progress(`gateway: peak RSS over the run ${mb(ctx.gateway.rss.peak)} MB`);
    } catch (err) {
      console.error(err);
      for (const s of gatewayScenarios.filter((s) => !rows.some((r) => r.id === s.id))) {
        rows.push({ id: s.id, title: s.title, target: s.target, outcome: { status: 'failed', reason: `gateway: ${(err as Error).message.split('\n')[0]}` } });
      }
    } finally {
      ctx.gateway?.rss.stop();
      await ctx.gateway?.server.stop();
      await ctx.gateway?.webhooks.stop();
      await db?.drop();
    }
    if (options.cpuProf) {
      const profiles = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort() : [];
      const latest = profiles.at(-1);
      if (latest) {
        const text = formatCpuProfile(summariseCpuProfile(join(profileDir, latest)));
        writeFileSync(join(profileDir, latest.replace(/\.cpuprofile$/, '.txt')), text + '\n');
        progress(`gateway CPU profile: ${join(profileDir, latest)}\n${text}`);
      } else {
        progress('gateway CPU profile: none was written');
      }
    }
  }

  for (const s of selected.filter((s) => s.target === 'cli')) await runOne(ctx, s, rows);

  rows.sort((a, b) => SCENARIOS.findIndex((s) => s.id === a.id) - SCENARIOS.findIndex((s) => s.id === b.id));
  const targets = checkTargets(rows);
  console.log(`\nzcd-gateway bench — ${options.db}, ${options.connections} connections, ${options.durationS} s per scenario (+${options.warmupS} s warm-up)\n`);
  console.log(scenarioTable(rows));
  console.log('');
  console.log(targetTable(targets));

  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${options.db}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(resultDocument({ startedAt, finishedAt: new Date(), machine, settings, rows, targets }), null, 2) + '\n');
  console.log(`\nresults: ${file}`);
  return rows.some((r) => r.outcome.status === 'failed') ? 1 : 0;
}

let options: BenchOptions | 'help';
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(`bench: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(USAGE);
} else {
  main(options).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
