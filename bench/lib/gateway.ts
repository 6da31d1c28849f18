import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { withUsccCheck } from '../../src/domain/uscc.js';
import type { BenchClient, GatewayUnderTest } from '../scenarios/scenario.js';
import { GatewayApi } from './api.js';
import type { BenchDatabase } from './database.js';
import { loadPrivateJwk, newKey } from './jose-pools.js';
import { freePort, startServer } from './processes.js';
import { RssSampler } from './rss.js';
import { createGatewayClient, WebhookReceiver, type PrivateJwk } from '@zcd-gateway/client';
import { ZcdCli } from './zcd-cli.js';

/** Token requests one client may make per minute during the bench (the config maximum). */
export const BENCH_TOKEN_RATE_LIMIT = 100_000;

/** The environment the gateway and every `zcd` invocation of the run share. */
export function gatewayEnv(db: BenchDatabase, port: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    ISSUER_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    TOKEN_RATE_LIMIT_PER_MINUTE: String(BENCH_TOKEN_RATE_LIMIT),
    // The bench's webhook receiver listens on loopback.
    WEBHOOK_ALLOW_PRIVATE: 'true',
  };
}

/** `zcd keys generate` into a temporary directory; loads the private key back. */
async function generateKey(zcd: ZcdCli, dir: string, name: string): Promise<{ jwksPath: string; key: BenchClient['key']; jwk: PrivateJwk }> {
  const out = await zcd.json<{ private_jwk: string; jwks: string }>(['keys', 'generate', '--alg', 'ES256', '--out', join(dir, name)]);
  const jwk = JSON.parse(readFileSync(out.private_jwk, 'utf8')) as JWK & PrivateJwk;
  return { jwksPath: out.jwks, key: await loadPrivateJwk(jwk), jwk };
}

/** Registers the bench's clients with the CLI on the run's database: the 150000 bureau, a Bearer bank and a DPoP bank. */
export async function onboardClients(
  zcd: ZcdCli,
  webhookUrl: string,
): Promise<Pick<GatewayUnderTest, 'bureau' | 'bank' | 'dpopBank'> & { webhookSecret: string; jwks: { bureau: PrivateJwk; bank: PrivateJwk; dpopBank: PrivateJwk } }> {
  const dir = mkdtempSync(join(tmpdir(), 'zcd-bench-keys-'));
  try {
    const [bureauKey, bankKey, dpopBankKey] = await Promise.all(['bureau', 'bank', 'dpop-bank'].map((n) => generateKey(zcd, dir, n)));
    const bureau = await zcd.json<{ client_id: string }>(['bureaus', 'create', '--region', '150000', '--name', '内蒙古自治区财政厅（bench）', '--jwks', bureauKey!.jwksPath]);
    const onboard = (name: string, serial: number, jwksPath: string, dpop: boolean, hooks?: string) =>
      zcd.json<{ client_id: string; webhook_secret: string }>([
        'institutions', 'onboard',
        '--name', name,
        '--uscc', withUsccCheck(`91150100MA0B${String(serial).padStart(5, '0')}`),
        '--license-no', `B0001H2150${String(serial).padStart(5, '0')}`,
        '--regions', '150000',
        '--jwks', jwksPath,
        ...(dpop ? [] : ['--no-dpop']),
        ...(hooks ? ['--webhook-url', hooks] : []),
      ]);
    const bank = await onboard('内蒙古压测银行（Bearer）', 1, bankKey!.jwksPath, false, webhookUrl);
    const dpopBank = await onboard('内蒙古压测银行（DPoP）', 2, dpopBankKey!.jwksPath, true);
    return {
      bureau: { clientId: bureau.client_id, key: bureauKey!.key },
      bank: { clientId: bank.client_id, key: bankKey!.key },
      dpopBank: { clientId: dpopBank.client_id, key: dpopBankKey!.key, dpopKey: await newKey() },
      webhookSecret: bank.webhook_secret,
      jwks: { bureau: bureauKey!.jwk, bank: bankKey!.jwk, dpopBank: dpopBankKey!.jwk },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the bank's webhook receiver, onboards the bench clients (the Bearer bank's webhooks go to the receiver), runs `before(zcd)` (data set-up through the CLI) on `db`,
 * then starts the compiled gateway (`node dist/src/cli/zcd.js serve`) on a free loopback port.
 */
export async function startGateway(
  root: string,
  db: BenchDatabase,
  before: (zcd: ZcdCli) => Promise<void>,
  o: { cpuProfDir?: string } = {},
): Promise<GatewayUnderTest> {
  const port = await freePort();
  const env = gatewayEnv(db, port);
  const zcd = new ZcdCli(root, env);
  const webhooks = new WebhookReceiver();
  const { webhookSecret, jwks, ...clients } = await onboardClients(zcd, await webhooks.start());
  webhooks.secret = webhookSecret;
  await before(zcd);
  const server = await startServer({ name: 'gateway', args: [...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []), zcd.script, 'serve'], env, cwd: root, port, readyPath: '/healthz', timeoutMs: 60_000 });
  const issuer = env.ISSUER_URL!;
  const as = (clientId: string, key: PrivateJwk, dpop: boolean) => createGatewayClient({ gateway: server.url, credentials: { clientId, key, dpop } });
  return {
    server,
    issuer,
    api: new GatewayApi(server.url, issuer),
    zcd,
    db,
    rss: new RssSampler(server.pid).start(),
    webhooks,
    ...clients,
    clients: {
      bureau: as(clients.bureau.clientId, jwks.bureau, true),
      // Registered with --no-dpop: Bearer tokens, as the load uses.
      bank: as(clients.bank.clientId, jwks.bank, false),
      dpopBank: as(clients.dpopBank.clientId, jwks.dpopBank, true),
      anonymous: createGatewayClient({ gateway: server.url }),
    },
  };
}
