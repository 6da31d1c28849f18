import type { Knex } from 'knex';
import { isPostgres } from './knex.js';

/** How a bulk insert treats a row whose key exists: keep the old one, or overwrite these columns. */
export type OnConflict = { target: string[]; ignore: true } | { target: string[]; merge: string[] };

interface SqliteStatement {
  run(params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

const statements = new WeakMap<object, Map<string, SqliteStatement>>();
const PG_CHUNK = 5000;
/** Rows one SQLite insert statement carries, and the bound parameters it may hold (SQLite's historical limit). */
const SQLITE_ROWS_PER_STATEMENT = 50;
const SQLITE_MAX_PARAMS = 999;

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** The array type a column's values travel in; the insert casts them to the column's own type. */
function pgArrayType(sample: unknown): string {
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'bigint[]' : 'double precision[]';
  if (typeof sample === 'boolean') return 'boolean[]';
  return 'text[]';
}

/**
 * The rows with each key once, as inserting them one by one would leave it: the first row, with the merged
 * columns of the last. PostgreSQL refuses an `on conflict do update` that meets the same key twice in one
 * statement, so a page from the cloud carrying one acceptance twice would otherwise never apply.
 */
function collapseRepeats(rows: Record<string, unknown>[], conflict: { target: string[]; merge: string[] }): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const key = JSON.stringify(conflict.target.map((c) => row[c]));
    const first = byKey.get(key);
    if (!first) byKey.set(key, row);
    else byKey.set(key, { ...first, ...Object.fromEntries(conflict.merge.map((c) => [c, row[c]])) });
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/**
 * Inserts many rows inside the caller's transaction. On SQLite it runs cached prepared statements of
 * up to 50 rows on the transaction's own connection: knex would build and prepare a new multi-row
 * statement per chunk, which is most of the cost of a large sync. On PostgreSQL it
 * sends each column as one array and unnests them, so a page is a few small statements.
 */
export async function bulkInsert(trx: Knex, table: string, rows: Record<string, unknown>[], conflict?: OnConflict): Promise<void> {
  if (rows.length === 0) return;
  // Outside a transaction the connection would be taken from the pool and never given back.
  if (!(trx as Knex.Transaction).isTransaction) throw new TypeError('bulkInsert needs a transaction');
  if (conflict && 'merge' in conflict) rows = collapseRepeats(rows, conflict);
  const columns = Object.keys(rows[0]!);
  const action = !conflict
    ? ''
    : 'ignore' in conflict
      ? 'do nothing'
      : `do update set ${conflict.merge.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
  const onConflict = conflict ? ` on conflict (${conflict.target.map(quote).join(', ')}) ${action}` : '';
  if (isPostgres(trx)) {
    // One array parameter per column: a statement PostgreSQL parses once, whatever the number of rows. A column
    // that is null in every row of a chunk has no type to send; it is a bare NULL, which takes the column's type.
    for (let i = 0; i < rows.length; i += PG_CHUNK) {
      const chunk = rows.slice(i, i + PG_CHUNK);
      const samples = columns.map((c) => chunk.find((r) => r[c] !== null && r[c] !== undefined)?.[c]);
      const sent = columns.filter((_, j) => samples[j] !== undefined);
      const values = columns.map((c, j) => (samples[j] === undefined ? 'null' : `u.${quote(`c${sent.indexOf(c)}`)}`));
      await trx.raw(
        `insert into ${quote(table)} (${columns.map(quote).join(', ')}) select ${values.join(', ')}
           from unnest(${sent.map((c) => `?::${pgArrayType(samples[columns.indexOf(c)])}`).join(', ')}) as u(${sent.map((_, k) => quote(`c${k}`)).join(', ')})${onConflict}`,
        sent.map((c) => chunk.map((r) => r[c] ?? null)) as unknown as Knex.RawBinding[],
      );
    }
    return;
  }
  const conn = (await (trx.client as { acquireConnection(): Promise<SqliteConnection> }).acquireConnection()) as SqliteConnection;
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  const statement = (count: number): SqliteStatement => {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const sql = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${Array.from({ length: count }, () => tuple).join(', ')}${onConflict}`;
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size >= 1_000) cache.clear();
      cache.set(sql, (stmt = conn.prepare(sql)));
    }
    return stmt;
  };
  // Several rows per statement: each run() has a fixed cost of its own (binding, the call into SQLite),
  // which one row at a time nearly doubled. Rows of a statement are applied in order, as one by one.
  const perStatement = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / columns.length)));
  const full = rows.length >= perStatement ? statement(perStatement) : undefined;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) {
      // better-sqlite3 binds no booleans; SQLite stores them as 0/1 anyway.
      for (const c of columns) params.push(typeof row[c] === 'boolean' ? Number(row[c]) : row[c]);
    }
    (chunk.length === perStatement ? full! : statement(chunk.length)).run(params);
  }
}
