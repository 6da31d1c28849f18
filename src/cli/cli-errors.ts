import { ConfigError, type DatabaseTarget } from '../config.js';
import { DomainError } from '../errors.js';
import { CliError } from './cli-support.js';

type Coded = Error & { code?: unknown; errno?: unknown; port?: unknown; address?: unknown; errors?: unknown[] };

/** Where the database is, for a message: no password. */
function whereDb(target: DatabaseTarget | undefined): string {
  if (!target) return 'the database (DATABASE_URL)';
  if (target.client === 'sqlite') return `the SQLite file ${target.filename} (DATABASE_URL)`;
  try {
    const u = new URL(target.connectionString);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** The first error of an AggregateError (node's connect tries every address), or the error itself. */
function root(err: unknown): Coded {
  const e = err as Coded;
  if (e && Array.isArray(e.errors) && e.errors.length > 0 && !e.code) return e.errors[0] as Coded;
  return e;
}

/**
 * One line for a person, naming the flag or setting at fault: what every `zcd` command prints instead
 * of a stack trace. Known causes get their own words; anything else its message alone.
 */
export function describeCliError(err: unknown, ctx: { database?: DatabaseTarget; port?: number; host?: string } = {}): string {
  const e = root(err);
  if (err instanceof CliError || err instanceof ConfigError) return err.message;
  if (err instanceof DomainError) return `${err.code}: ${err.message}`;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = String(e?.message ?? err).split('\n')[0]!.trim();
  switch (code) {
    case 'EADDRINUSE':
      return `port ${String(e.port ?? ctx.port ?? '?')} on ${String(e.address ?? ctx.host ?? '?')} is already in use (PORT, HOST): stop the other server or choose another PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${String(e.address ?? ctx.host ?? '?')} (HOST): no such address on this machine`;
    case 'EACCES':
      if (e.port !== undefined) return `not allowed to listen on port ${String(e.port)} (PORT): choose a port above 1023`;
      return `permission denied: ${message}`;
    case '3D000':
      return `${message} at ${whereDb(ctx.database)}: create it first, e.g. createdb, or psql -c 'create database …'`;
    case '28P01':
    case '28000':
      return `${whereDb(ctx.database)} refused the login: ${message}`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      if (e.port !== undefined && ctx.database?.client === 'pg' && String(e.port) === (portOf(ctx.database) ?? '')) return `cannot reach ${whereDb(ctx.database)}: ${code}`;
      return `cannot reach ${String(e.address ?? (e as { hostname?: string }).hostname ?? 'the server')}${e.port !== undefined ? `:${String(e.port)}` : ''}: ${code}`;
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_NOTADB':
    case 'SQLITE_READONLY':
      return `cannot use ${whereDb(ctx.database)}: ${message}`;
  }
  if (message === 'fetch failed' && (e as { cause?: unknown }).cause) return `request failed: ${describeCliError((e as { cause?: unknown }).cause, ctx)}`;
  if (/Knex: Timeout acquiring a connection/.test(message)) return `cannot reach ${whereDb(ctx.database)}: no connection in time`;
  return message || String(err);
}

function portOf(target: DatabaseTarget): string | undefined {
  if (target.client !== 'pg') return undefined;
  try {
    return new URL(target.connectionString).port || '5432';
  } catch {
    return undefined;
  }
}
