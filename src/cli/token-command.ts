import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportJWK, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { CliError } from './cli-support.js';

/** Reads a private JWK from a file (or inline JSON), naming the flag when it is not one. */
export function readPrivateJwk(value: string): JWK & { kid: string; alg: string } {
  let jwk: JWK;
  try {
    jwk = JSON.parse(value.trim().startsWith('{') ? value : readFileSync(value, 'utf8')) as JWK;
  } catch (err) {
    throw new CliError(`--key: cannot read a private JWK from ${value}: ${(err as Error).message}`);
  }
  if (!jwk || typeof jwk !== 'object' || !jwk.kty || !jwk.d) throw new CliError('--key: not a private JWK (it needs "kty" and the private part "d"); zcd keys generate writes one');
  if (!jwk.kid || !jwk.alg) throw new CliError('--key: the JWK needs "kid" and "alg" (the ones registered with the gateway)');
  return jwk as JWK & { kid: string; alg: string };
}

/** A DPoP proof (RFC 9449) for one request, bound to `accessToken` when given. */
export async function dpopProof(keys: { privateKey: CryptoKey; publicKey: CryptoKey }, method: string, url: string, accessToken?: string, nonce?: string): Promise<string> {
  const jwk = await exportJWK(keys.publicKey);
  const htu = new URL(url);
  htu.search = '';
  htu.hash = '';
  return new SignJWT({
    htm: method,
    htu: htu.toString(),
    jti: randomUUID(),
    ...(accessToken ? { ath: createHash('sha256').update(accessToken).digest('base64url') } : {}),
    ...(nonce ? { nonce } : {}),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
    .setIssuedAt()
    .sign(keys.privateKey);
}

/** Gets an access token with `private_key_jwt` (and DPoP when asked), the way a bank's own code would, with openid-client. */
export async function fetchToken(opts: { gateway: string; clientId: string; key: JWK & { kid: string; alg: string }; dpop: boolean }) {
  const gateway = opts.gateway.replace(/\/+$/, '');
  let issuer: string;
  try {
    const res = await fetch(`${gateway}/.well-known/oauth-authorization-server`);
    if (!res.ok) throw new Error(`status ${res.status}`);
    issuer = ((await res.json()) as { issuer: string }).issuer;
  } catch (err) {
    throw new CliError(`--gateway: no OAuth metadata at ${gateway}/.well-known/oauth-authorization-server (${(err as Error).message})`);
  }
  const privateKey = (await importJWK(opts.key, opts.key.alg)) as CryptoKey;
  const config = await oidc.discovery(
    new URL(issuer),
    opts.clientId,
    { token_endpoint_auth_method: 'private_key_jwt' },
    oidc.PrivateKeyJwt({ key: privateKey, kid: opts.key.kid }),
    { algorithm: 'oauth2', execute: issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [] },
  );
  const dpopKeys = opts.dpop ? await oidc.randomDPoPKeyPair('ES256', { extractable: true }) : undefined;
  try {
    const tokens = await oidc.clientCredentialsGrant(
      config,
      { scope: opts.clientId.startsWith('bur_') ? 'admin' : 'institution' },
      dpopKeys ? { DPoP: oidc.getDPoPHandle(config, dpopKeys) } : {},
    );
    return { issuer, tokens, dpopKeys };
  } catch (err) {
    const e = err as { error?: string; error_description?: string; message: string };
    throw new CliError(`the token endpoint refused --client-id ${opts.clientId}: ${e.error ?? ''}${e.error_description ? ` (${e.error_description})` : ''}${e.error ? '' : e.message}`);
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `zcd token`: a bank's first token by hand. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("print an access token for a bank or bureau (private_key_jwt); with --dpop also a ready curl line with a fresh DPoP proof")
    .requiredOption('--gateway <url>', 'the gateway, e.g. http://localhost:8080')
    .requiredOption('--client-id <id>', 'the client id the bureau gave you (ins_… or bur_…)')
    .requiredOption('--key <private-jwk>', 'your private JWK: a file (zcd keys generate writes private.jwk.json) or the JSON itself')
    .option('--dpop', 'bind the token to a fresh DPoP key and print a curl line that uses it')
    .option('--url <url>', 'with --dpop: the URL the curl line calls (default: GATEWAY/api/v1/applications)')
    .option('--method <method>', 'with --dpop: the method of the curl line', 'GET')
    .action(async (opts: { gateway: string; clientId: string; key: string; dpop?: boolean; url?: string; method: string }) => {
      const key = readPrivateJwk(opts.key);
      if (opts.url && !opts.dpop) throw new CliError('--url needs --dpop (a bearer token needs no proof: curl -H "Authorization: Bearer TOKEN" URL)');
      const { tokens, dpopKeys } = await fetchToken({ gateway: opts.gateway, clientId: opts.clientId, key, dpop: opts.dpop === true });
      console.log(tokens.access_token);
      if (dpopKeys) {
        const url = opts.url ?? `${opts.gateway.replace(/\/+$/, '')}/api/v1/applications`;
        const method = opts.method.toUpperCase();
        const proof = await dpopProof(dpopKeys, method, url, tokens.access_token);
        console.log(`curl -sS -X ${method} -H ${shellQuote(`Authorization: DPoP ${tokens.access_token}`)} -H ${shellQuote(`DPoP: ${proof}`)} ${shellQuote(url)}`);
      }
    });
}
