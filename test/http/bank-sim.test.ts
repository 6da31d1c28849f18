import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financingWorld, consentFor, type FinancingWorld } from '../helpers/financing.js';
import { makeKey } from '../helpers/auth.js';
import { runZcd, spawnZcd, waitForLine } from '../helpers/cli.js';
import { testDatabaseKind } from '../helpers/db.js';
import { createDispatcher, type WebhookDispatcher } from '../../src/features/events/webhook-dispatcher.js';
import { createLogger } from '../../src/logger.js';
import { decide, DEFAULT_RULES, readRules } from '../../src/cli/bank-sim.js';
import { CliError } from '../../src/cli/cli-support.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let w: FinancingWorld;
let dispatcher: WebhookDispatcher;
let hookUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'zcd-bank-sim-'));
const keyFile = join(dir, 'private.jwk.json');
beforeAll(async () => {
  hookUrl = `http://127.0.0.1:${await freePort()}/webhooks`;
  w = await financingWorld(60, { webhookUrl: hookUrl });
  dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 2_000, webhookPollMs: 20 }, createLogger('silent'));
  dispatcher.start();
  writeFileSync(keyFile, JSON.stringify({ ...w.bank.key.privateJwk, kid: w.bank.key.kid, alg: w.bank.key.alg }));
}, 60_000);
afterAll(async () => {
  await dispatcher?.stop();
  await w?.close();
});

const args = (extra: string[] = []) => ['bank-sim', '--gateway', w.gw.issuer, '--client-id', w.bank.clientId, '--key', keyFile, ...extra];
const rulesFile = (name: string, rules: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof rules === 'string' ? rules : JSON.stringify(rules));
  return path;
};

describe('bank-sim rules', () => {
  it('approves up to the limit at the set rate and rejects above it or when told to', () => {
    const rules = { ...DEFAULT_RULES, max_amount: 5_000_000, annual_rate_bp: 520, term_days: 90 };
    expect(decide(rules, 5_000_000)).toMatchObject({ decision: 'approve', amount: 5_000_000, annual_rate_bp: 520, term_days: 90 });
    expect(decide(rules, 5_000_001)).toMatchObject({ decision: 'reject', reason_code: 'amount_exceeds_limit' });
    expect(decide({ ...rules, decision: 'reject', reject_reason: 'contract_risk' }, 1)).toMatchObject({ decision: 'reject', reason_code: 'contract_risk' });
  });

  it('reads a rules file and names the field at fault', () => {
    expect(readRules(rulesFile('ok.json', { max_amount: 7_000_000, annual_rate_bp: 400 }))).toMatchObject({ decision: 'approve', max_amount: 7_000_000, annual_rate_bp: 400, term_days: 180 });
    expect(() => readRules(rulesFile('float.json', { max_amount: 12.5 }))).toThrow(/--rules: max_amount must be a whole number/);
    expect(() => readRules(rulesFile('typo.json', { max_amonut: 1 }))).toThrow(/--rules: unknown field max_amonut/);
    expect(() => readRules(rulesFile('verb.json', { decision: 'maybe' }))).toThrow(CliError);
    expect(() => readRules(rulesFile('broken.json', '{ "max_amount": '))).toThrow(/--rules: cannot read JSON rules/);
  });
});

describe(`zcd bank-sim against a gateway on ${testDatabaseKind}`, () => {
  it('takes its webhooks at the registered URL, decides, and disburses once the account is locked', async () => {
    const rules = rulesFile('rules.json', { max_amount: 1_500_000, annual_rate_bp: 480, term_days: 120 });
    const sim = spawnZcd(args(['--rules', rules, '--webhook-secret', w.bank.webhookSecret]), { LOG_LEVEL: 'silent' });
    let out = '';
    sim.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const printed = async (pattern: RegExp, ms = 20_000) => {
      for (const deadline = Date.now() + ms; !pattern.test(out); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error(`bank-sim did not print ${pattern}; printed:\n${out}`);
      }
    };
    try {
      await waitForLine(sim, /bank-sim ins_\w+ on .*: webhooks at http:\/\/127\.0\.0\.1:\d+\/webhooks/, 20_000);
      const [small, large] = await w.financeable(2);
      const apply = async (c: { contractNo: string; uscc: string }, amount: number) => {
        const res = await w.gw.client.post('/api/v1/supplier/applications', { contract_no: c.contractNo, product_id: w.productId, requested_amount: amount, consent: consentFor(30) }, { headers: await w.supplier(c.uscc) });
        expect(res.status, res.text).toBe(201);
        return res.body.id as string;
      };
      const approvedId = await apply(small!, 1_000_000);
      const rejectedId = await apply(large!, 1_600_000);
      await printed(new RegExp(`bank-sim {2}${approvedId.slice(0, 8)} {2}disbursed`));
      await printed(new RegExp(`bank-sim {2}${rejectedId.slice(0, 8)} {2}rejected +amount_exceeds_limit`));
      const approved = await w.as(w.bank, 'GET', `/api/v1/applications/${approvedId}`);
      expect(approved.body).toMatchObject({ status: 'disbursed', approved_amount: 1_000_000, annual_rate_bp: 480, term_days: 120, disbursed_amount: 1_000_000 });
      const rejected = await w.as(w.bank, 'GET', `/api/v1/applications/${rejectedId}`);
      expect(rejected.body.status).toBe('rejected');
    } finally {
      sim.kill('SIGTERM');
    }
  }, 60_000);

  it('refuses to run without what it needs, on one line naming the flag', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [args(), {}, /^zcd: --webhook-secret: needed to verify/],
      [args(['--webhook-secret', 'hunter2']), {}, /^zcd: --webhook-secret: not a Standard Webhooks secret/],
      [args(['--webhook-secret', w.bank.webhookSecret, '--rules', join(dir, 'nope.json')]), {}, /^zcd: --rules: cannot read JSON rules from/],
      [args(['--webhook-secret', w.bank.webhookSecret, '--listen', 'here']), {}, /^zcd: --listen: here is not HOST:PORT or PORT/],
      [['bank-sim', '--gateway', 'ftp://x', '--client-id', 'ins_x', '--key', keyFile, '--webhook-secret', w.bank.webhookSecret], {}, /^zcd: --gateway: ftp:\/\/x is not an http\(s\) URL/],
    ];
    for (const [argv, env, message] of cases) {
      const run = await runZcd(argv, env);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('names the credentials when the key is wrong, and the missing webhook URL', async () => {
    const other = await makeKey('ES256');
    const wrong = rulesFile('wrong.jwk.json', { ...other.privateJwk, kid: w.bank.key.kid, alg: 'ES256' });
    const bad = await runZcd(['bank-sim', '--gateway', w.gw.issuer, '--client-id', w.bank.clientId, '--key', wrong, '--webhook-secret', w.bank.webhookSecret], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^zcd: --client-id\/--key: the token endpoint refused client ins_\w+: invalid_client/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const moved = await w.as(w.bureau, 'PATCH', `/api/v1/admin/institutions/${w.bank.clientId}`, { webhook_url: null });
    expect(moved.status, moved.text).toBe(200);
    try {
      const none = await runZcd(args(['--webhook-secret', w.bank.webhookSecret]), {});
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^zcd: --client-id ins_\w+ has no webhook URL at the gateway: ask your finance bureau/);
      expect(none.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await w.as(w.bureau, 'PATCH', `/api/v1/admin/institutions/${w.bank.clientId}`, { webhook_url: hookUrl });
    }

    // A port another program holds.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as { port: number }).port;
    try {
      const taken = await runZcd(args(['--webhook-secret', w.bank.webhookSecret, '--listen', `127.0.0.1:${busy}`]), {});
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim()).toBe(`zcd: --listen: the port of 127.0.0.1:${busy} is already in use`);
    } finally {
      holder.close();
    }
  }, 60_000);
});
