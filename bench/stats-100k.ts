/**
 * Times getStatistics, getMonthlyReport and getDashboard over 100,000 (or N) applications on SQLite.
 *
 *   npx tsx bench/stats-100k.ts [applications]      (BENCH_KEEP=1 keeps the SQLite file and prints its path)
 *
 * Seeds a fresh SQLite file (migrated, regions seeded) with a year of applications spread over every 旗县 of
 * 内蒙古 and eight institutions — each with its transitions, and for most a disbursement and some a repayment —
 * then times the 自治区's statistics for that year through the service (the same call the route makes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createDb, migrateLatest } from '../src/db/knex.js';
import { KnexStatisticsStore } from '../src/features/statistics/statistics-knex-store.js';
import { StatisticsService } from '../src/features/statistics/statistics-service.js';
import { datePeriod } from '../src/features/statistics/period.js';
import { seedRegions } from '../seeds/regions.js';

const N = Number(process.argv[2] ?? 100_000);
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'zcd-bench-'));
const filename = join(dir, 'bench.sqlite');

let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

try {
  const db = createDb({ client: 'sqlite', filename });
  await migrateLatest(db);
  await seedRegions(db);
  const counties = (await db('regions').select('code').where({ level: 'county' })).map((r) => r.code as string);
  await db.destroy();

  const t0 = performance.now();
  const raw = new Database(filename);
  raw.pragma('journal_mode = WAL');
  const institutions = Array.from({ length: 8 }, (_, i) => `ins_bench${i}`);
  const insClient = raw.prepare(`insert into clients (client_id, kind, status, dpop_required, created_at) values (?, 'institution', 'active', 1, '2025-01-01T00:00:00Z')`);
  const insInstitution = raw.prepare(
    `insert into institutions (client_id, name, uscc, license_no, type, webhook_secret, created_at, updated_at) values (?, ?, ?, 'B0001', 'bank', 'x', '', '')`,
  );
  const insProduct = raw.prepare(
    `insert into products (id, institution_id, name, max_amount_fen, max_share_bp, rate_min_bp, rate_max_bp, term_min_days, term_max_days,
       categories, status, created_at, updated_at) values (?, ?, '政采贷', 500000000, 8000, 350, 600, 30, 365, 'goods,services', 'approved', 0, 0)`,
  );
  const insApp = raw.prepare(
    `insert into applications (id, contract_no, supplier_uscc, supplier_name, institution_id, product_id, purchaser_region_code,
       supplier_is_sme, requested_amount_fen, status, approved_amount_fen, disbursed_fen, repaid_fen, reason_code, decided_at,
       disbursed_at, consent_parts, consent_expires_at, created_at, updated_at)
       values (?, ?, '911501000000000000', '供应商', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'contract', 0, ?, ?)`,
  );
  const insTr = raw.prepare(`insert into application_transitions (application_id, from_status, to_status, actor, reason_code, at) values (?, ?, ?, 'bench', ?, ?)`);
  const insDis = raw.prepare(`insert into disbursements (application_id, loan_no, amount_fen, disbursed_on, created_at) values (?, 'L', ?, '2025-01-01', ?)`);
  const insRep = raw.prepare(
    `insert into repayments (application_id, amount_fen, repaid_on, created_at, region_code, institution_id) values (?, ?, '2025-01-01', ?, ?, ?)`,
  );
  const reasons = ['credit_insufficient', 'contract_risk', 'documents_incomplete', 'amount_exceeds_limit'];
  const yearStart = Date.parse('2024-12-31T16:00:00Z');
  const yearMs = 365 * 24 * H;
  raw.transaction(() => {
    institutions.forEach((id, i) => {
      insClient.run(id);
      insInstitution.run(id, `测试银行${i}`, `91150100MA0000000${i}`);
      insProduct.run(`p-${id}`, id);
    });
    for (let n = 0; n < N; n++) {
      const id = `app-${n}`;
      const inst = pick(institutions);
      const created = yearStart + Math.floor(rand() * (yearMs - 30 * 24 * H));
      const requested = 100_000 + Math.floor(rand() * 10_000_000);
      const path: [string, string | null, number][] = [['submitted', null, created]];
      let status = 'submitted';
      let approved: number | null = null;
      let disbursed = 0;
      let repaid = 0;
      const r = rand();
      if (r < 0.8) {
        const decidedAt = created + Math.floor((1 + rand() * 119) * H);
        if (rand() < 0.7) {
          approved = Math.floor(requested * 0.8);
          path.push(['approved', null, decidedAt]);
          status = 'approved';
          if (rand() < 0.8) {
            const at = decidedAt + Math.floor((24 + rand() * 72) * H);
            path.push(['account_lock_pending', null, at - 2 * H], ['account_locked', null, at - H], ['disbursed', null, at]);
            status = 'disbursed';
            disbursed = approved;
            if (rand() < 0.5) {
              repaid = Math.floor(disbursed / 2);
              path.push(['repaying', null, at + 10 * 24 * H]);
              status = 'repaying';
            }
          }
        } else {
          path.push(['rejected', pick(reasons), decidedAt]);
          status = 'rejected';
        }
      }
      // As the financing service writes them: decision time, reason and disbursement time beside the transitions.
      const decision = path.find((p) => p[0] === 'approved' || p[0] === 'rejected');
      const disbursal = path.find((p) => p[0] === 'disbursed');
      const region = pick(counties);
      insApp.run(id, `C-${n}`, inst, `p-${inst}`, region, rand() < 0.85 ? 1 : 0, requested, status, approved, disbursed, repaid,
        decision?.[1] ?? null, decision?.[2] ?? null, disbursal?.[2] ?? null, created, path.at(-1)![2]);
      let from: string | null = null;
      for (const [to, reason, at] of path) {
        insTr.run(id, from, to, reason, at);
        from = to;
      }
      const dis = path.find((p) => p[0] === 'disbursed');
      if (dis) insDis.run(id, disbursed, dis[2]);
      const rep = path.find((p) => p[0] === 'repaying');
      if (rep) insRep.run(id, repaid, rep[2], region, inst);
    }
  })();
  raw.pragma('optimize');
  raw.close();
  console.log(`seeded ${N} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const bench = createDb({ client: 'sqlite', filename });
  const service = new StatisticsService(new KnexStatisticsStore(bench));
  const time = async (label: string, fn: () => Promise<unknown>, runs = 5) => {
    await fn(); // warm the page cache and the prepared statements
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(`${label}: median ${ms[Math.floor(runs / 2)]!.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms over ${runs} runs`);
  };
  const year = datePeriod('2025-01-01', '2025-12-31');
  const check = await service.statistics('operator', '150000', year);
  console.log(`150000, 2025: ${check.total.applications} applications, ${check.total.approvals} approvals, ${check.total.disbursements} disbursements`);
  await time('getStatistics 150000, whole year (all applications)', () => service.statistics('operator', '150000', year));
  await time('getStatistics 150100, whole year', () => service.statistics('operator', '150100', year));
  await time('getMonthlyReport 150000, one month', () => service.monthlyReport('operator', '150000', '2025-06'));
  // The console dashboard's calls (getDashboard): its default twelve months, by 盟市 and by 旗县, and one 盟市's.
  const dash = { from: '2025-01', to: '2025-12' };
  await time('getDashboard 150000 by 盟市, 12 months', () => service.dashboard('operator', { ...dash, region: '150000', level: 'league' }));
  await time('getDashboard 150000 by 旗县, 12 months', () => service.dashboard('operator', { ...dash, region: '150000', level: 'county' }));
  await time('getDashboard 150100 by 旗县, 12 months', () => service.dashboard('operator', { ...dash, region: '150100', level: 'county' }));
  await time('getDashboard 150000 by 盟市, 1 month', () => service.dashboard('operator', { from: '2025-06', to: '2025-06', region: '150000' }));
  await bench.destroy();
} finally {
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(filename);
}
