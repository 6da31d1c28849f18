/**
 * `npm run soak`: several gateway instances on one PostgreSQL database, under a bounded mixed load, with one of
 * them killed (SIGKILL) in the middle and started again. Three `zcd serve` (their own webhook dispatch off) and
 * one `zcd deliver`; SMEs apply (with an Idempotency-Key) at any instance, the bank reads the contract data,
 * approvals of the same application race across all three instances. Then it checks what must hold and prints
 * the figures; exit 1 when something does not hold. Bounded: at most 4 minutes (SOAK_DEADLINE_MS).
 *
 * Runs the gateway from source (node --import tsx), so it needs no build. PostgreSQL at --pg-url (default
 * postgres://postgres@127.0.0.1:5432), where it creates a throwaway database and drops it after.
 */
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createDb } from '../src/db/knex.js';
import { parseDatabaseUrl } from '../src/config.js';
import { SandboxCloud } from '../adapters/sandbox/sandbox-cloud.js';
import { generateContract } from '../adapters/sandbox/generator.js';
import { createBenchDatabase } from './lib/database.js';
import { gatewayEnv, onboardClients } from './lib/gateway.js';
import { GatewayApi, type ApiParty } from './lib/api.js';
import { freePort, startServer, type ServerProcess } from './lib/processes.js';
import { WebhookReceiver } from '@zcd-gateway/client';
import { ZcdCli } from './lib/zcd-cli.js';
import { verifyConsistency } from '../test/helpers/rfc9162-verify.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEADLINE_MS = Number(process.env.SOAK_DEADLINE_MS ?? 240_000);
const started = Date.now();
const pgUrl = process.argv.includes('--pg-url') ? process.argv[process.argv.indexOf('--pg-url') + 1]! : 'postgres://postgres@127.0.0.1:5432';
const APPLICATIONS = Number(process.env.SOAK_APPLICATIONS ?? 40);

const log = (msg: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `zcd` from source: the same commands as the compiled one, through tsx. */
class SourceZcd extends ZcdCli {
  override get script(): string {
    return join(root, 'src', 'cli', 'zcd.ts');
  }
}

const FINANCED = ['approved', 'account_lock_pending', 'account_locked', 'disbursed', 'repaying', 'settled', 'overdue', 'defaulted'];

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  /** The connection failed (refused or reset): the instance is down or was killed mid-request. */
  dropped: boolean;
}

async function main(): Promise<number> {
  const db = await createBenchDatabase('postgres', pgUrl, 'soak');
  const servers: (ServerProcess | undefined)[] = [];
  let deliver: ChildProcess | undefined;
  const webhooks = new WebhookReceiver();
  const problems: string[] = [];
  const figures: Record<string, number | string> = {};
  const watchdog = setTimeout(() => {
    console.error(`soak: over ${DEADLINE_MS} ms, giving up`);
    for (const s of servers) if (s) process.kill(s.pid, 'SIGKILL');
    deliver?.kill('SIGKILL');
    process.exit(1);
  }, DEADLINE_MS);
  try {
    const ports = [await freePort(), await freePort(), await freePort()];
    // One issuer for all three: a token any instance issued is good at every instance, as behind a balancer.
    const env: Record<string, string> = {
      ...gatewayEnv(db, ports[0]!),
      NODE_OPTIONS: '--import tsx',
      WEBHOOK_DISPATCH: 'false',
      AUDIT_SEQUENCE_INTERVAL_MS: '500',
      SYNC_INTERVAL_MS: '0',
    };
    const zcd = new SourceZcd(root, env);
    log('onboarding a bureau and a bank, seeding the sandbox cloud');
    const { webhookSecret, bureau, bank } = await onboardClients(zcd, await webhooks.start());
    webhooks.secret = webhookSecret;
    for (const args of [['seed', '--contracts', '400'], ['sync']]) {
      const r = await zcd.run(args);
      if (r.code !== 0) throw new Error(`zcd ${args.join(' ')}: ${r.stderr}`);
    }
    const start = (i: number) =>
      startServer({ name: `gateway-${i}`, args: [zcd.script, 'serve'], env: { ...env }, cwd: root, port: ports[i]!, readyPath: '/readyz', timeoutMs: 90_000 });
    log('starting three zcd serve and one zcd deliver');
    for (let i = 0; i < 3; i++) servers[i] = await start(i);
    deliver = spawn(process.execPath, [zcd.script, 'deliver'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });

    const apis = servers.map((s) => new GatewayApi(s!.url, env.ISSUER_URL!));
    const fivexx: string[] = [];
    let dropped = 0;
    const send = async (i: number, party: ApiParty | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
      try {
        const h = { ...(party ? await apis[i]!.authHeaders(party, method, path) : {}), ...headers };
        if (body !== undefined) h['content-type'] = 'application/json';
        const res = await fetch(apis[i]!.baseUrl + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
        const text = await res.text();
        const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        if (res.status >= 500) fivexx.push(`${method} ${path} at ${i}: ${res.status} ${text.slice(0, 200)}`);
        return { status: res.status, body: parsed, dropped: false };
      } catch {
        dropped++;
        return { status: 0, body: undefined, dropped: true };
      }
    };

    // The bank's product, approved by the bureau.
    const product = await apis[0]!.call(bank, 'POST', '/api/v1/products', {
      name: '政采贷·浸泡测试', max_amount: 2_000_000_000, max_share_bp: 8000, rate_min_bp: 350, rate_max_bp: 800,
      term_min_days: 30, term_max_days: 365, categories: ['goods', 'services', 'works'], regions: ['150000'],
    }, 201);
    await apis[1]!.call(bureau, 'POST', `/api/v1/admin/products/${String(product.id)}/review`, { decision: 'approve', reason: 'soak' }, 200);

    // Financeable contracts, one per SME, and the SMEs' identity tokens.
    const knex = createDb(parseDatabaseUrl(db.url));
    const sandbox = new SandboxCloud(knex);
    const rows = (await knex('contracts as c')
      .select('c.contract_no', 'c.supplier_uscc', 'c.amount_fen')
      .select(knex.raw('c.amount_fen - coalesce((select sum(p.amount_fen) from payments p where p.contract_no = c.contract_no), 0) as unpaid'))
      .where('c.status', 'active')
      .whereNotExists(knex('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc').whereNull('f.lifted_at'))
      .whereNotExists(knex('sandbox_account_behaviour as b').whereRaw('b.contract_no = c.contract_no'))
      .orderBy('c.contract_no')) as { contract_no: string; supplier_uscc: string; unpaid: number | string }[];
    const seen = new Set<string>();
    const targets = rows.filter((r) => Number(r.unpaid) > 2_000_000 && !seen.has(r.supplier_uscc) && seen.add(r.supplier_uscc)).slice(0, APPLICATIONS);
    const smes = new Map<string, ApiParty>();
    for (const t of targets) smes.set(t.supplier_uscc, { bearer: await sandbox.issueSupplierToken({ uscc: t.supplier_uscc, audience: env.ISSUER_URL! }) });
    for (const t of targets) await sandbox.configureAccountChange(t.contract_no, 'confirm');
    log(`${targets.length} SMEs apply, the bank reads and approves; gateway-1 is killed half way`);

    // Audit heads seen during the run, to check each against the last.
    const heads = new Set<number>();
    let polling = true;
    const headPoller = (async () => {
      while (polling) {
        const i = Math.floor(Math.random() * 3);
        const r = await send(i, undefined, 'GET', '/api/v1/public/audit/tree-head').catch(() => undefined);
        if (r?.status === 200) heads.add(Number(r.body!.tree_size));
        await sleep(300);
      }
    })();

    const consent = { parts: ['contract', 'acceptances', 'payments', 'risk_flags'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    const cut: string[] = [];
    let answerLost = 0;
    const retriedOk: string[] = [];
    const approvals = { won: 0, lost: 0 };
    const approvalsCut: string[] = [];
    let reads = 0;
    const killAt = Math.floor(targets.length / 2);
    const flow = async (n: number) => {
      const t = targets[n]!;
      const body = { contract_no: t.contract_no, product_id: product.id, requested_amount: 1_000_000, consent };
      const key = randomUUID();
      // Apply at the instance that will be killed for some, so that writes are cut.
      let at = n % 3;
      let applied = await send(at, smes.get(t.supplier_uscc)!, 'POST', '/api/v1/supplier/applications', body, { 'idempotency-key': key });
      if (applied.dropped || applied.status === 409) {
        if (applied.dropped) cut.push(t.contract_no);
        // Retried with the same key at the other instances until it succeeds (a running key's lease is 60 s).
        const until = Date.now() + 100_000;
        while ((applied.dropped || applied.status === 409) && Date.now() < until) {
          at = at === 0 ? 2 : 0;
          await sleep(applied.status === 409 ? 2_000 : 200);
          applied = await send(at, smes.get(t.supplier_uscc)!, 'POST', '/api/v1/supplier/applications', body, { 'idempotency-key': key });
        }
        if (applied.status === 201 || applied.status === 200) retriedOk.push(t.contract_no);
      }
      if (applied.status !== 201 && applied.status !== 200) {
        // A retry that ran the request again although the first run had committed it: the answer is stored in the
        // effect's transaction, so this must not happen.
        if (applied.body?.code === 'duplicate_application') answerLost++;
        problems.push(`application for ${t.contract_no}: ${applied.status} ${JSON.stringify(applied.body)?.slice(0, 200)}`);
        return;
      }
      const id = String(applied.body!.id);
      for (const part of ['contract', 'payments']) {
        const r = await send((n + 1) % 3, bank, 'GET', `/api/v1/applications/${id}/${part}`);
        if (r.status === 200) reads++;
      }
      await send(n % 3, bank, 'POST', `/api/v1/applications/${id}/review`, {});
      // The same approval at all three instances at once: exactly one may win.
      const decided = await Promise.all([0, 1, 2].map((i) => send(i, bank, 'POST', `/api/v1/applications/${id}/decision`, {
        decision: 'approve', amount: 1_000_000, annual_rate_bp: 450, term_days: 180,
        collection_account: { bank_name: '内蒙古浸泡银行呼和浩特分行', account_name: '内蒙古浸泡银行政采贷回款专户', account_number: '6222020200112233445' },
      })));
      approvals.won += decided.filter((d) => d.status === 200).length;
      // The winner may be the instance killed after its commit: its answer is lost, the others say 409.
      if (!decided.some((d) => d.status === 200) && decided.some((d) => d.dropped)) approvalsCut.push(id);
      approvals.lost += decided.filter((d) => d.status === 409).length;
    };

    // The cloud pushes new contracts while all this runs, each to some instance; a push cut by the kill is sent
    // again to another one. None may be lost.
    const pushed: string[] = [];
    let pushesRetried = 0;
    const notifier = (async () => {
      for (let k = 0; k < 30; k++) {
        const generated = generateContract(900_000 + k);
        const jws = await sandbox.signNotification([generated.changes[0]!]);
        let at = k % 3;
        let r = await send(at, undefined, 'POST', '/api/v1/upstream/notifications', { jws });
        while (r.dropped) {
          pushesRetried++;
          at = at === 0 ? 2 : 0;
          await sleep(200);
          r = await send(at, undefined, 'POST', '/api/v1/upstream/notifications', { jws });
        }
        if (r.status === 200) pushed.push(generated.contract.contractNo);
        else problems.push(`notification ${k}: ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`);
        await sleep(180);
      }
    })();

    const running: Promise<void>[] = [notifier];
    for (let n = 0; n < targets.length; n++) {
      if (n === killAt) {
        log('SIGKILL gateway-1');
        process.kill(servers[1]!.pid, 'SIGKILL');
        servers[1] = undefined;
        // Its writes in flight are cut now; it comes back a little later.
        void sleep(3_000).then(async () => {
          log('starting gateway-1 again');
          servers[1] = await start(1);
          apis[1] = new GatewayApi(servers[1].url, env.ISSUER_URL!);
        });
      }
      running.push(flow(n));
      await sleep(150);
    }
    await Promise.all(running);
    await sleep(2_000);
    polling = false;
    await headPoller;

    // Webhooks: everything the gateway queued for the bank reaches it.
    const wanted = async () => (await knex('event_deliveries').where('institution_id', bank.clientId).select('id')) as { id: string }[];
    const deadline = Date.now() + 30_000;
    let missing: string[] = [];
    do {
      const got = new Set(webhooks.deliveries.map((d) => d.id));
      missing = (await wanted()).map((r) => r.id).filter((id) => !got.has(id));
      if (missing.length) await sleep(500);
    } while (missing.length && Date.now() < deadline);

    // Checks.
    const twice = (await knex('applications').whereIn('status', FINANCED).groupBy('contract_no').havingRaw('count(*) > 1').select('contract_no')) as unknown[];
    const byBody = new Map<string, Set<string>>();
    for (const d of webhooks.deliveries) {
      const k = JSON.stringify(d.body);
      byBody.set(k, (byBody.get(k) ?? new Set()).add(d.id));
    }
    const duplicateIds = [...byBody.values()].filter((ids) => ids.size > 1).length;
    const verify = await zcd.run(['audit', 'verify']);
    const verdict = JSON.parse(verify.stdout || '{}') as { ok?: boolean; leaves?: number; heads?: number };
    const last = Math.max(...heads);
    let inconsistent = 0;
    const latest = await send(0, undefined, 'GET', '/api/v1/public/audit/tree-head');
    const lastSize = Number(latest.body?.tree_size ?? last);
    for (const size of heads) {
      if (size === lastSize) continue;
      const c = await send(0, undefined, 'GET', `/api/v1/public/audit/consistency-proof?first=${size}&second=${lastSize}`);
      const hex = (h: unknown) => Buffer.from(String(h), 'hex');
      const ok = c.status === 200 && verifyConsistency(size, lastSize, hex(c.body!.first_root_hash), hex(c.body!.second_root_hash), (c.body!.consistency_path as string[]).map(hex));
      if (!ok) inconsistent++;
    }
    const landed = (await knex('contracts').whereIn('contract_no', pushed).count({ n: '*' })) as { n: number | string }[];
    const lost = pushed.length - Number(landed[0]!.n);
    const perCut = (await knex('applications').whereIn('contract_no', cut).groupBy('contract_no').select('contract_no').count({ n: '*' })) as { contract_no: string; n: number | string }[];
    const cutApprovalsFinanced = approvalsCut.length
      ? Number(((await knex('applications').whereIn('id', approvalsCut).whereIn('status', FINANCED).count({ n: '*' })) as { n: number | string }[])[0]!.n)
      : 0;
    await knex.destroy();

    figures['applications'] = targets.length;
    figures['bank reads'] = reads;
    figures['approvals won / refused as racing'] = `${approvals.won} / ${approvals.lost}`;
    figures['approvals whose winner was cut by the kill (financed in the database)'] = `${approvalsCut.length} (${cutApprovalsFinanced})`;
    figures['contracts financed twice'] = twice.length;
    figures['writes cut by the kill'] = cut.length;
    figures['cut writes retried and succeeded'] = retriedOk.filter((c) => cut.includes(c)).length;
    figures['cut writes committed, then run again by the retry'] = answerLost;
    figures['webhook deliveries received / expected events missing'] = `${webhooks.deliveries.length} / ${missing.length}`;
    figures['webhook duplicates with another webhook-id'] = duplicateIds;
    figures['5xx answers'] = fivexx.length;
    figures['dropped connections'] = dropped;
    figures['audit leaves / heads verified'] = `${verdict.leaves ?? '?'} / ${verdict.heads ?? '?'}`;
    figures['heads seen during the run, inconsistent with the last'] = `${heads.size}, ${inconsistent}`;
    figures['upstream notifications pushed / resent after a drop / lost'] = `${pushed.length} / ${pushesRetried} / ${lost}`;

    if (lost) problems.push(`${lost} pushed contracts never arrived`);
    if (twice.length) problems.push(`${twice.length} contracts financed twice`);
    if (approvals.won + cutApprovalsFinanced !== targets.length - problems.filter((p) => p.startsWith('application')).length) problems.push(`approvals won ${approvals.won}, expected one per application`);
    if (missing.length) problems.push(`${missing.length} webhooks never delivered`);
    if (duplicateIds) problems.push(`${duplicateIds} events delivered under different webhook-ids`);
    if (fivexx.length) problems.push(`5xx answers: ${fivexx.slice(0, 5).join('; ')}`);
    if (verify.code !== 0 || !verdict.ok) problems.push(`zcd audit verify: ${verify.stdout} ${verify.stderr.slice(-300)}`);
    if (inconsistent) problems.push(`${inconsistent} heads not consistent with the last`);
    if (perCut.some((r) => Number(r.n) !== 1) || perCut.length !== cut.length) problems.push('a cut write did not end as exactly one application');
  } finally {
    clearTimeout(watchdog);
    for (const s of servers) await s?.stop();
    if (deliver && deliver.exitCode === null) {
      deliver.kill('SIGTERM');
      await new Promise((r) => deliver!.once('exit', r));
    }
    await webhooks.stop();
    await db.drop();
  }
  console.log('\nzcd-gateway soak — 3 × zcd serve + zcd deliver on PostgreSQL, one instance SIGKILLed and restarted\n');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(56)} ${v}`);
  console.log(`  ${'duration'.padEnd(56)} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (problems.length) {
    console.log(`\nFAILED:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log('\nall checks hold');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
