import type { Knex } from 'knex';
import { isPostgres } from './knex.js';

/** How a bulk insert treats a row whose key exists: keep the old one, or overwrite these columns. */
export type OnConflict = { target: string[]; ignore: true } | { target: string[]; merge: string[] };

interface SqliteStatement {
  run(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

const statements = new WeakMap<object, Map<string, SqliteStatement>>();
const PG_CHUNK = 5000;

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** The array type a column's values travel in; the insert casts them to the column's own type. */
function pgArrayType(sample: unknown): string {
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'bigint[]' : 'double precision[]';
  if (typeof sample === 'boolean') return 'boolean[]';
  return 'text[]';
}

/**
 * Inserts many rows inside the caller's transaction. On SQLite it runs one cached prepared
 * statement per row on the transaction's own connection: knex would build and prepare a new
 * multi-row statement per chunk, which is most of the cost of a large sync. On PostgreSQL it
 * sends each column as one array and unnests them, so a page is a few small statements.
 */
export async function bulkInsert(trx: Knex, table: string, rows: Record<string, unknown>[], conflict?: OnConflict): Promise<void> {
  if (rows.length === 0) return;
  // Outside a transaction the connection would be taken from the pool and never given back.
  if (!(trx as Knex.Transaction).isTransaction) throw new TypeError('bulkInsert needs a transaction');
  const columns = Object.keys(rows[0]!);
  const action = !conflict
    ? ''
    : 'ignore' in conflict
      ? 'do nothing'
      : `do update set ${conflict.merge.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
  const onConflict = conflict ? ` on conflict (${conflict.target.map(quote).join(', ')}) ${action}` : '';
  if (isPostgres(trx)) {
    // One array parameter per column: a statement PostgreSQL parses once, whatever the number of rows.
    const types = columns.map((c) => pgArrayType(rows.find((r) => r[c] !== null && r[c] !== undefined)?.[c]));
    for (let i = 0; i < rows.length; i += PG_CHUNK) {
      const chunk = rows.slice(i, i + PG_CHUNK);
      await trx.raw(
        `insert into ${quote(table)} (${columns.map(quote).join(', ')}) select * from unnest(${types.map((t) => `?::${t}`).join(', ')})${onConflict}`,
        columns.map((c) => chunk.map((r) => r[c] ?? null)) as unknown as Knex.RawBinding[],
      );
    }
    return;
  }
  const sql = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')})${onConflict}`;
  const conn = (await (trx.client as { acquireConnection(): Promise<SqliteConnection> }).acquireConnection()) as SqliteConnection;
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = conn.prepare(sql)));
  for (const row of rows) {
    // better-sqlite3 binds no booleans; SQLite stores them as 0/1 anyway.
    stmt.run(...columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : row[c])));
  }
}
