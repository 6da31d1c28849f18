import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { idleSqliteConnection, isPostgres } from './knex.js';
import { inTransaction } from './request-transaction.js';
import { retryOnWriteConflict } from './transaction-retry.js';

/** A value a prepared statement binds; an array only on PostgreSQL (a `?::text[]` to `unnest`, say). */
export type Param = string | number | bigint | boolean | null | Date | readonly (string | number | null)[];

/**
 * PostgreSQL: rows as the columns an `unnest(?::type[], …)` takes, one array per column, so that one prepared
 * statement writes any number of rows. `rows` must not be empty.
 */
export const columnsOf = (rows: readonly (readonly (string | number | null)[])[]): Param[] => rows[0]!.map((_, c) => rows.map((r) => r[c] ?? null));

/** Prepared statements run synchronously on SQLite's one connection, inside a transaction. */
export interface SyncStatements {
  get<T>(sql: string, params?: readonly Param[]): T | undefined;
  all<T>(sql: string, params?: readonly Param[]): T[];
  /** Rows changed. */
  run(sql: string, params?: readonly Param[]): number;
}

interface SqliteStatement {
  reader: boolean;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(on: boolean): SqliteStatement;
  run(...params: unknown[]): { changes: number };
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F };
}

interface PgConnection {
  query(q: { name: string; text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

// Taken at load: a test that fakes timers must not stall every jti and audit write behind a fake setImmediate.
const nextTurn = setImmediate;

/** Most writes one group commit carries. */
const MAX_BATCH = 256;

interface Queued {
  fn: (s: SyncStatements) => unknown;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

/** Statements one connection keeps; SQL in this codebase is a fixed set of strings, so the bound only guards mistakes. */
const MAX_STATEMENTS_PER_CONNECTION = 500;

const sqliteCache = new WeakMap<object, Map<string, SqliteStatement>>();

function sqliteStatement(conn: SqliteConnection, sql: string, raw = false): SqliteStatement {
  let cache = sqliteCache.get(conn);
  if (!cache) sqliteCache.set(conn, (cache = new Map()));
  // Raw mode is a property of the statement, so array rows get a statement of their own.
  const key = raw ? `raw\u0000${sql}` : sql;
  let stmt = cache.get(key);
  if (!stmt) {
    if (cache.size >= MAX_STATEMENTS_PER_CONNECTION) cache.clear();
    stmt = raw ? conn.prepare(sql).raw(true) : conn.prepare(sql);
    cache.set(key, stmt);
  }
  return stmt;
}

// better-sqlite3 binds numbers, strings, bigints, buffers and null only; knex converts the rest the same way.
const sqliteParams = (params: readonly Param[]): unknown[] =>
  params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p instanceof Date ? p.valueOf() : p));

const pgNames = new Map<string, { name: string; text: string }>();

/** The named statement of `sql` for pg: `?` placeholders become `$1…`, the name a hash of the text. */
function pgStatement(sql: string): { name: string; text: string } {
  let s = pgNames.get(sql);
  if (!s) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    s = { name: `zcd_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
    if (pgNames.size >= MAX_STATEMENTS_PER_CONNECTION) pgNames.clear();
    pgNames.set(sql, s);
  }
  return s;
}

type Run = <T>(fn: () => T) => T;
interface SqliteHandles {
  statements: SyncStatements;
  immediate: Run;
  nested: Run;
}
const handlesByConnection = new WeakMap<SqliteConnection, SqliteHandles>();

/**
 * The statements object and transaction runners of a connection, made once: better-sqlite3 builds four
 * wrapper functions for every `transaction()` call, which a group commit would otherwise pay per write.
 * `immediate` runs in `BEGIN IMMEDIATE … COMMIT`; `nested`, inside one, in a savepoint of its own.
 */
function sqliteHandles(conn: SqliteConnection): SqliteHandles {
  let h = handlesByConnection.get(conn);
  if (!h) {
    const run = conn.transaction((fn: () => unknown) => fn());
    h = {
      statements: {
        get: <T>(sql: string, params: readonly Param[] = []) => sqliteStatement(conn, sql).get(...sqliteParams(params)) as T | undefined,
        all: <T>(sql: string, params: readonly Param[] = []) => sqliteStatement(conn, sql).all(...sqliteParams(params)) as T[],
        run: (sql: string, params: readonly Param[] = []) => sqliteStatement(conn, sql).run(...sqliteParams(params)).changes,
      },
      immediate: run.immediate as Run,
      nested: run as Run,
    };
    handlesByConnection.set(conn, h);
  }
  return h;
}

const syncStatements = (conn: SqliteConnection): SyncStatements => sqliteHandles(conn).statements;

/**
 * Prepared statements for hot paths, on the connection knex would use (the pool's, or a transaction's):
 * on SQLite one better-sqlite3 statement per SQL string and connection, on PostgreSQL a named statement
 * per SQL string, which pg prepares once per connection. SQL uses `?` placeholders and must run on both.
 */
export class PreparedStatements {
  /** True on SQLite, where {@link PreparedStatements.transactionSync} is available. */
  readonly sqlite: boolean;

  private queue: Queued[] | undefined;

  constructor(private readonly db: Knex) {
    this.sqlite = !isPostgres(db);
  }

  private async withConnection<T>(fn: (conn: unknown) => T | Promise<T>): Promise<T> {
    const client = this.db.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
    const conn = await client.acquireConnection();
    try {
      return await fn(conn);
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /** Runs synchronous SQLite work on the idle connection at once, or on the connection the pool hands over. */
  private onSqlite<T>(fn: (conn: SqliteConnection) => T): T | Promise<T> {
    const idle = idleSqliteConnection(this.db) as SqliteConnection | undefined;
    return idle ? fn(idle) : this.withConnection((conn) => fn(conn as SqliteConnection));
  }

  private async pg(sql: string, params: readonly Param[], rowMode?: 'array') {
    const { name, text } = pgStatement(sql);
    return this.withConnection((conn) => (conn as PgConnection).query({ name, text, values: [...params], ...(rowMode ? { rowMode } : {}) }));
  }

  /** The first row, or undefined. */
  async get<T>(sql: string, params: readonly Param[] = []): Promise<T | undefined> {
    if (this.sqlite) return this.onSqlite((conn) => syncStatements(conn).get<T>(sql, params));
    return (await this.pg(sql, params)).rows[0] as T | undefined;
  }

  /** Every row. */
  async all<T>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    if (this.sqlite) return this.onSqlite((conn) => syncStatements(conn).all<T>(sql, params));
    return (await this.pg(sql, params)).rows as T[];
  }

  /** Every row as an array of column values, in the order the SELECT names them (no object per row). */
  async rows<T extends unknown[]>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    if (this.sqlite) {
      return this.onSqlite((conn) => sqliteStatement(conn, sql, true).all(...sqliteParams(params)) as T[]);
    }
    return (await this.pg(sql, params, 'array')).rows as T[];
  }

  /** Runs a write; resolves with the rows it changed. */
  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    if (this.sqlite) return this.onSqlite((conn) => syncStatements(conn).run(sql, params));
    return (await this.pg(sql, params)).rowCount ?? 0;
  }

  /**
   * SQLite only: runs `fn` synchronously in one `BEGIN IMMEDIATE` transaction (a savepoint inside a knex
   * transaction), holding the connection throughout, so nothing else interleaves; a throw rolls it back.
   * Another process holding the write lock past the busy timeout makes it run again (`retryOnWriteConflict`),
   * so `fn` may run more than once.
   */
  async transactionSync<T>(fn: (s: SyncStatements) => T): Promise<T> {
    if (!this.sqlite) throw new Error('transactionSync is for SQLite only');
    const once = () =>
      this.onSqlite((conn) => {
        const { statements, immediate } = sqliteHandles(conn);
        return immediate(() => fn(statements));
      });
    // Inside a knex transaction the outermost transaction is the one to run again.
    return this.inTransaction ? once() : retryOnWriteConflict(async () => once());
  }

  private get inTransaction(): boolean {
    return inTransaction(this.db);
  }

  /** True when a statement runs on its own: neither the handle nor the request has a transaction open. */
  get autocommit(): boolean {
    return !this.inTransaction;
  }

  /**
   * SQLite only: like {@link PreparedStatements.transactionSync}, but writes submitted in the same turn of
   * the event loop share one transaction (a group commit), each in a savepoint of its own, so one write's
   * throw undoes only that write. Each promise settles after the commit: nothing resolves before it is durable.
   * A batch that meets another process's write lock runs again whole, so `fn` may run more than once; each
   * promise still settles once. Inside a knex transaction or a request transaction it runs at once, in that transaction.
   */
  batched<T>(fn: (s: SyncStatements) => T): Promise<T> {
    if (!this.sqlite) throw new Error('batched is for SQLite only');
    if (this.inTransaction) return this.transactionSync(fn);
    return new Promise<T>((resolve, reject) => {
      if (!this.queue) {
        this.queue = [];
        nextTurn(() => void this.flush());
      }
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private async flush(): Promise<void> {
    const all = this.queue ?? [];
    this.queue = undefined;
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const batch = all.slice(i, i + MAX_BATCH);
      let outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[];
      try {
        // A batch that met another writer (BEGIN IMMEDIATE busy past the busy timeout) wrote nothing and is run
        // again whole; only the outcomes of the attempt that committed are handed out, each exactly once.
        outcomes = await retryOnWriteConflict(async () =>
          this.onSqlite((conn) => {
            const { statements, immediate, nested } = sqliteHandles(conn);
            return immediate(() =>
              batch.map((q) => {
                try {
                  // Each write in a savepoint of its own: a throw rolls back this write alone.
                  return { ok: true as const, value: nested(() => q.fn(statements)) };
                } catch (err) {
                  return { ok: false as const, err };
                }
              }),
            );
          }),
        );
      } catch (err) {
        for (const q of batch) q.reject(err);
        continue;
      }
      outcomes.forEach((o, j) => (o.ok ? batch[j]!.resolve(o.value) : batch[j]!.reject(o.err)));
    }
  }
}
