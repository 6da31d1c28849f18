import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '@zcd-gateway/client';
import { financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { makeKey } from '../helpers/auth.js';
import { runZcd } from '../helpers/cli.js';
import { testDatabaseKind } from '../helpers/db.js';
import { createDispatcher, type WebhookDispatcher } from '../../src/features/events/webhook-dispatcher.js';
import { createLogger } from '../../src/logger.js';

let w: FinancingWorld;
let verifying: WebhookReceiver;
let careless: WebhookReceiver;
let dispatcher: WebhookDispatcher;
let keyFile: string;
const dir = mkdtempSync(join(tmpdir(), 'zcd-conformance-'));
beforeAll(async () => {
  verifying = new WebhookReceiver();
  await verifying.start();
  careless = new WebhookReceiver({ verify: false });
  await careless.start();
  w = await financingWorld(80, { webhookUrl: verifying.url });
  verifying.secret = w.bank.webhookSecret;
  dispatcher = createDispatcher(w.gw.events, { webhookAllowPrivate: true, webhookTimeoutMs: 2_000, webhookPollMs: 20 }, createLogger('silent'));
  dispatcher.start();
  keyFile = join(dir, 'private.jwk.json');
  writeFileSync(keyFile, JSON.stringify({ ...w.bank.key.privateJwk, kid: w.bank.key.kid, alg: w.bank.key.alg }));
}, 60_000);
afterAll(async () => {
  await dispatcher?.stop();
  await w?.close();
  await verifying?.stop();
  await careless?.stop();
});

const conformance = (key = keyFile, extra: string[] = []) =>
  runZcd(['conformance', '--gateway', w.gw.issuer, '--client-id', w.bank.clientId, '--key', key, '--wait-ms', '10000', ...extra], { LOG_LEVEL: 'silent' });
const lines = (out: string) => out.split('\n').filter((l) => /^(PASS|FAIL)/.test(l));

describe(`zcd conformance against a sandbox gateway on ${testDatabaseKind}`, () => {
  it('passes every step for a bank whose endpoint verifies signatures, and exits 0', async () => {
    const run = await conformance();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const steps = lines(run.stdout);
    expect(steps.map((l) => l.slice(6, 40).trim())).toEqual([
      'token (private_key_jwt)', 'DPoP proof on every call', 'webhook endpoint registered', 'sandbox: an SME applies to you', 'webhook delivered and acknowledged',
      'consented reads', 'decision', 'idempotent retry', 'refusal without consent', 'webhook signature checks',
    ]);
    expect(steps.every((l) => l.startsWith('PASS'))).toBe(true);
    expect(run.stdout).toMatch(/all 10 steps passed/);
    // The endpoint saw the forged delivery and refused it.
    expect(verifying.requests.some((r) => !r.verified && r.body.includes('CONFORMANCE-FORGED'))).toBe(true);
  }, 60_000);

  it('fails at the token step with a key the gateway does not know, and exits 1', async () => {
    const other = await makeKey('ES256');
    const wrong = join(dir, 'wrong.jwk.json');
    writeFileSync(wrong, JSON.stringify({ ...other.privateJwk, kid: w.bank.key.kid, alg: 'ES256' }));
    const run = await conformance(wrong);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)[0]).toMatch(/^FAIL {2}token \(private_key_jwt\) .*invalid_client/);
    expect(run.stdout).toMatch(/failed: token \(private_key_jwt\)/);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('fails at the signature step when the endpoint accepts any signature, and exits 1', async () => {
    const moved = await w.as(w.bureau, 'PATCH', `/api/v1/admin/institutions/${w.bank.clientId}`, { webhook_url: careless.url });
    expect(moved.status, moved.text).toBe(200);
    try {
      const run = await conformance();
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const failed = lines(run.stdout).filter((l) => l.startsWith('FAIL'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(/^FAIL {2}webhook signature checks .*accepted a delivery with a forged signature/);
      expect(run.stdout).toMatch(/1 of 10 steps failed: webhook signature checks/);
    } finally {
      await w.as(w.bureau, 'PATCH', `/api/v1/admin/institutions/${w.bank.clientId}`, { webhook_url: verifying.url });
    }
  }, 60_000);

  it('refuses bad arguments on one line, naming the flag', async () => {
    const bad = await runZcd(['conformance', '--gateway', 'not a url', '--client-id', 'ins_x', '--key', keyFile], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('zcd: --gateway: not a url is not a URL (e.g. http://localhost:8080)');
    const noKey = await runZcd(['conformance', '--gateway', w.gw.issuer, '--client-id', 'ins_x', '--key', join(dir, 'missing.json')], {});
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(noKey.stderr).toMatch(/^zcd: --key: cannot read a private JWK/);
    const wait = await runZcd(['conformance', '--gateway', w.gw.issuer, '--client-id', 'ins_x', '--key', keyFile, '--wait-ms', 'soon'], {});
    expect(wait.code).toBe(1);
    expect(wait.stderr.trim()).toBe('zcd: --wait-ms must be a whole number from 100 to 600000');
  }, 30_000);
});
