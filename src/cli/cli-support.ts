import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createDb, migrateLatest, type Knex } from '../db/knex.js';
import { DomainError } from '../errors.js';
import { seedRegions } from '../../seeds/regions.js';

/** Runs `fn` on the migrated database of `DATABASE_URL`; prints a domain error as JSON on stderr and exits 1. */
export async function withDatabase(fn: (db: Knex, config: Config) => Promise<unknown>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const db = createDb(config.database);
  try {
    await migrateLatest(db);
    await seedRegions(db);
    const out = await fn(db, config);
    if (out !== undefined) console.log(JSON.stringify(out, null, 2));
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(JSON.stringify({ code: err.code, detail: err.message, ...err.extra }, null, 2) + '\n');
      process.exitCode = 1;
    } else if (err instanceof CliError) {
      fail(err.message);
    } else {
      throw err;
    }
  } finally {
    await db.destroy();
  }
}

/** A mistake at the command line; printed, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

function fail(message: string): void {
  process.stderr.write(`zcd: ${message}\n`);
  process.exitCode = 1;
}

/** Reads a JWKS file (`{ "keys": [...] }`, or a single public JWK). */
export function readJwksFile(path: string): { keys: object[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read a JWKS from ${path}: ${(err as Error).message}`);
  }
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys)) return parsed as { keys: object[] };
  if (parsed && typeof parsed === 'object' && 'kty' in parsed) return { keys: [parsed] };
  throw new CliError(`${path} holds neither a JWKS nor a JWK`);
}
