import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { DatabaseTarget } from '../config.js';
import { migrationSource } from './migrations/index.js';
import { followingRequestTransaction } from './request-transaction.js';

export type { Knex };

/**
 * How long a statement on SQLite waits for another connection's write lock before it fails with SQLITE_BUSY
 * (another process: the CLI beside `zcd serve`, or a second gateway on one file). better-sqlite3 waits
 * synchronously, so this also bounds how long the event loop can stall on a lock. It does not help a
 * transaction that read first and then finds the lock taken (SQLite answers SQLITE_BUSY at once, as waiting
 * could deadlock): those are run again whole by `withTransactionRetry` (transaction-retry.ts).
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the database: SQLite (WAL, foreign keys on every connection) or PostgreSQL. The handle follows a
 * request transaction (request-transaction.ts).
 */
export function createDb(target: DatabaseTarget): Knex {
  if (target.client === 'pg') {
    const db = knexFactory({
      client: 'pg',
      connection: { connectionString: target.connectionString },
      pool: { min: 0, max: 10 },
      migrations: { migrationSource },
    });
    return followingRequestTransaction(db);
  }
  if (target.filename !== ':memory:') mkdirSync(dirname(target.filename), { recursive: true });
  const connection: { current?: SqliteConnectionLike } = {};
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: target.filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnectionLike & { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          conn.pragma('synchronous = NORMAL');
          connection.current = conn;
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: { migrationSource },
  });
  sqliteConnections.set(db.client as object, connection);
  return followingRequestTransaction(db);
}

/** What better-sqlite3 publishes of a connection's state. */
interface SqliteConnectionLike {
  readonly open: boolean;
  readonly inTransaction: boolean;
}

/** The one better-sqlite3 connection of each SQLite knex client's pool (min 1, max 1), by client. */
const sqliteConnections = new WeakMap<object, { current?: SqliteConnectionLike }>();

/**
 * The SQLite connection of `db` when no transaction is open on it, else undefined (a transaction's handle
 * has no such connection of its own: its statements go through the transaction). Work on it must be
 * synchronous and finish before the caller yields. Then nothing can interleave with it: better-sqlite3 runs
 * one statement at a time, a knex query outside a transaction is one such statement, and a knex transaction
 * open on the connection (across its awaits) makes it not idle. This spares the pool's acquire and release
 * (a promise, a pending-operation object and a timer each) on every prepared statement.
 */
export function idleSqliteConnection(db: Knex): unknown {
  const conn = sqliteConnections.get(db.client as object)?.current;
  return conn?.open && !conn.inTransaction ? conn : undefined;
}

/** True when the knex instance talks to PostgreSQL. */
export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** Brings the schema up to date. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

/** Undoes the last batch of migrations (or all of them). */
export async function migrateRollback(db: Knex, all = false): Promise<string[]> {
  const [, undone] = (await db.migrate.rollback(undefined, all)) as [number, string[]];
  return undone;
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list()) as [unknown[], { file: string }[] | string[]];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}
