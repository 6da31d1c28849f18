import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportJWK, generateKeyPair } from 'jose';
import { GatewayKeys } from '../features/auth/gateway-keys.js';
import { KnexGatewayKeyStore } from '../features/auth/gateway-keys-knex-store.js';
import { CLIENT_ALGS, type ClientAlg } from '../features/auth/jwks.js';
import { CliError, withDatabase } from './cli-support.js';

/** Writes a new key pair for a client: `private.jwk.json` (mode 0600) and `jwks.json` (public). */
export async function generateClientKeys(alg: ClientAlg, dir: string): Promise<{ kid: string; alg: ClientAlg; private_jwk: string; jwks: string }> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'PS256' ? { modulusLength: 2048 } : {}) });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  mkdirSync(dir, { recursive: true });
  const privatePath = join(dir, 'private.jwk.json');
  const jwksPath = join(dir, 'jwks.json');
  writeFileSync(privatePath, JSON.stringify(privateJwk, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(jwksPath, JSON.stringify({ keys: [publicJwk] }, null, 2) + '\n');
  return { kid, alg, private_jwk: privatePath, jwks: jwksPath };
}

/** `zcd keys generate` and `zcd keys rotate-gateway`. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('signing keys: client key pairs and the gateway key');
  keys
    .command('generate')
    .description('write a private JWK and a public JWKS for an institution or bureau')
    .requiredOption('--alg <alg>', `one of ${CLIENT_ALGS.join(', ')}`)
    .requiredOption('--out <dir>', 'directory to write private.jwk.json and jwks.json into')
    .action(async (opts: { alg: string; out: string }) => {
      if (!CLIENT_ALGS.includes(opts.alg as ClientAlg)) {
        process.stderr.write(`zcd: --alg must be one of ${CLIENT_ALGS.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      try {
        console.log(JSON.stringify(await generateClientKeys(opts.alg as ClientAlg, opts.out), null, 2));
      } catch (err) {
        throw new CliError(`cannot write keys: ${(err as Error).message}`);
      }
    });
  keys
    .command('rotate-gateway')
    .description("make a new gateway signing key; older keys stay published until the tokens they signed have expired")
    .action(() => withDatabase(async (db) => ({ kid: await new GatewayKeys(new KnexGatewayKeyStore(db)).rotate() })));
}
