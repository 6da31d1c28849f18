import type { Command } from 'commander';
import { AuthError, createGatewayClient, type PrivateJwk } from '@zcd-gateway/client';
import { BankSim, readRules } from './bank-sim.js';
import { CliError } from './cli-support.js';
import { runConformance } from './conformance.js';
import { readPrivateJwk } from './token-command.js';

interface BankOptions {
  gateway: string;
  clientId: string;
  key: string;
}

/** The gateway URL of `--gateway`, checked. */
function gatewayUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new CliError(`--gateway: ${value} is not a URL (e.g. http://localhost:8080)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--gateway: ${value} is not an http(s) URL`);
  return u.href.replace(/\/+$/, '');
}

/** `--listen HOST:PORT`, checked. */
function listenOption(value: string | undefined): { host: string; port: number; path: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new CliError(`--listen: ${value} is not HOST:PORT or PORT`);
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port, path: '/webhooks' };
}

/** An authentication failure, naming the flags that carry the credentials. */
function credentialError(err: unknown): never {
  if (err instanceof AuthError) throw new CliError(`--client-id/--key: ${err.message}`);
  throw err;
}

/** `zcd bank-sim` and `zcd conformance`: a simulated bank and a bank's self-test, over HTTP only. */
export function registerBankCommands(program: Command): void {
  const withCredentials = (c: Command) =>
    c
      .requiredOption('--gateway <url>', 'the gateway, e.g. http://localhost:8080')
      .requiredOption('--client-id <id>', 'the client id your finance bureau gave you (ins_…)')
      .requiredOption('--key <private-jwk>', 'your private JWK: a file (zcd keys generate writes private.jwk.json) or the JSON itself');

  withCredentials(
    program
      .command('bank-sim')
      .description('a simulated bank against any gateway, over HTTP only: takes its webhooks, decides by simple rules, locks, disburses, repays when payments arrive (until Ctrl-C)'),
  )
    .option('--rules <file>', 'JSON rules: decision ("approve"|"reject"), max_amount (fen), annual_rate_bp, term_days, reject_reason, collection_account')
    .option('--webhook-secret <whsec>', "the bank's webhook signing secret (shown when it was onboarded; default: ZCD_WEBHOOK_SECRET)")
    .option('--listen <host:port>', "where the webhook receiver listens (default: the port and path of the bank's registered webhook URL)")
    .action(async (opts: BankOptions & { rules?: string; webhookSecret?: string; listen?: string }) => {
      const gateway = gatewayUrl(opts.gateway);
      const key = readPrivateJwk(opts.key) as PrivateJwk;
      const rules = readRules(opts.rules);
      const secret = opts.webhookSecret ?? process.env.ZCD_WEBHOOK_SECRET;
      if (!secret) throw new CliError('--webhook-secret: needed to verify the gateway\'s webhooks (shown once when the bank was onboarded; zcd webhooks rotate-secret gives a new one), or set ZCD_WEBHOOK_SECRET');
      if (!/^whsec_[A-Za-z0-9+/=]+$/.test(secret)) throw new CliError('--webhook-secret: not a Standard Webhooks secret (whsec_…)');
      const listen = listenOption(opts.listen);
      const client = createGatewayClient({ gateway, credentials: { clientId: opts.clientId, key } });
      const sim = new BankSim({ client, secret, rules, print: (l) => console.log(l) });
      const registered = await sim.registeredUrl().catch(credentialError);
      let url: string;
      try {
        url = await sim.listen(listen);
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE') throw new CliError(`--listen: the port of ${listen ? opts.listen : registered} is already in use`);
        throw err;
      }
      console.log(`bank-sim ${opts.clientId} on ${gateway}: webhooks at ${url} (registered: ${registered}); rules: ${rules.decision} up to ${rules.max_amount} fen at ${rules.annual_rate_bp} bp for ${rules.term_days} days`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await sim.stop();
      console.log(`bank-sim stopped: ${sim.actions.length} steps, ${sim.receiver.events.size} webhooks verified, ${sim.receiver.rejected} refused`);
    });

  withCredentials(
    program
      .command('conformance')
      .description("a bank's self-test against the sandbox: token, DPoP, consented reads, a refusal, a decision, idempotent retries, webhook signature checks; exit 0 only when all pass"),
  )
    .option('--wait-ms <ms>', 'longest wait for your endpoint to acknowledge a webhook', '20000')
    .option('--json', 'print the results as JSON')
    .action(async (opts: BankOptions & { waitMs: string; json?: boolean }) => {
      const gateway = gatewayUrl(opts.gateway);
      const key = readPrivateJwk(opts.key) as PrivateJwk;
      const waitMs = Number(opts.waitMs);
      if (!Number.isSafeInteger(waitMs) || waitMs < 100 || waitMs > 600_000) throw new CliError('--wait-ms must be a whole number from 100 to 600000');
      if (!opts.json) console.log(`zcd conformance: ${opts.clientId} against ${gateway}`);
      const results = await runConformance({ gateway, clientId: opts.clientId, key, waitMs, print: opts.json ? () => undefined : (l) => console.log(l) });
      const failed = results.filter((r) => !r.ok);
      if (opts.json) console.log(JSON.stringify({ client_id: opts.clientId, gateway, passed: failed.length === 0, results }, null, 2));
      else console.log(failed.length === 0 ? `all ${results.length} steps passed` : `${failed.length} of ${results.length} steps failed: ${failed.map((r) => r.step).join('; ')}`);
      if (failed.length) process.exitCode = 1;
    });
}
