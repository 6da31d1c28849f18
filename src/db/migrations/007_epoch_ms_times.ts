import type { Knex } from 'knex';

/**
 * One form for instants in every table: epoch milliseconds in a bigint column. The auth, procurement-sync and
 * outbox tables stored ISO 8601 text, the financing and webhook tables bigints; this converts the text ones in
 * place and `used_jtis.expires_at` from seconds. Calendar dates (`signed_on`, `repaid_on`…) stay `YYYY-MM-DD`.
 *
 * It runs outside knex's migration transaction: on SQLite, changing a column's type rebuilds the table, which is
 * safe only with foreign keys off, and SQLite ignores that switch inside a transaction (knex turns it off and on
 * around each rebuild and checks the keys after). PostgreSQL runs the whole of it in one transaction. Each step
 * converts only values still in the old form, so a run cut short can be run again.
 */
export const config = { transaction: false };

/** The converted columns: table, column, whether it may be null. */
const ISO_COLUMNS: readonly (readonly [string, string, boolean])[] = [
  ['clients', 'created_at', false],
  ['bureaus', 'created_at', false],
  ['institutions', 'created_at', false],
  ['institutions', 'updated_at', false],
  ['gateway_keys', 'created_at', false],
  ['admin_audit', 'at', false],
  ['contracts', 'updated_at', false],
  ['contract_amendments', 'occurred_at', false],
  ['acceptances', 'accepted_at', false],
  ['payments', 'paid_at', false],
  ['supplier_risk_flags', 'recorded_at', false],
  ['supplier_risk_flags', 'lifted_at', true],
  ['sync_cursors', 'updated_at', false],
  ['quarantined_records', 'received_at', false],
  ['events', 'occurred_at', false],
  ['events', 'created_at', false],
];

const isPostgres = (db: Knex) => db.client.config.client === 'pg';

/** SQL for the epoch milliseconds of an ISO 8601 text column (`2026-01-02T03:04:05.678Z`). */
function isoToMs(db: Knex, column: string): Knex.Raw {
  return isPostgres(db)
    ? db.raw('(round(extract(epoch from ??::timestamptz) * 1000))::bigint', [column])
    : db.raw('cast(round((julianday(??) - 2440587.5) * 86400000) as integer)', [column]);
}

/** SQL for the ISO 8601 text of an epoch-milliseconds column. */
function msToIso(db: Knex, column: string): Knex.Raw {
  return isPostgres(db)
    ? db.raw(`to_char(to_timestamp(??::double precision / 1000) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, [column])
    : db.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', ?? / 1000.0, 'unixepoch')`, [column]);
}

const byTable = () => {
  const tables = new Map<string, (readonly [string, boolean])[]>();
  for (const [table, column, nullable] of ISO_COLUMNS) tables.set(table, [...(tables.get(table) ?? []), [column, nullable]]);
  return tables;
};

async function toEpochMs(db: Knex): Promise<void> {
  for (const [table, columns] of byTable()) {
    // Values still ISO text (they hold a '-'), made digits in the text column first, then the column made bigint.
    for (const [column] of columns) {
      await db(table).where(column, 'like', '%-%').update({ [column]: isPostgres(db) ? db.raw('?::text', [isoToMs(db, column)]) : isoToMs(db, column) });
    }
    await db.schema.alterTable(table, (t) => {
      for (const [column, nullable] of columns) {
        const c = t.bigInteger(column);
        (nullable ? c.nullable() : c.notNullable()).alter();
      }
    });
  }
  // Seconds (below 10^11, i.e. before 1973 in milliseconds) become milliseconds.
  await db('used_jtis').where('expires_at', '<', 100_000_000_000).update({ expires_at: db.raw('expires_at * 1000') });
}

async function toIsoText(db: Knex): Promise<void> {
  await db('used_jtis').where('expires_at', '>=', 100_000_000_000).update({ expires_at: db.raw('expires_at / 1000') });
  for (const [table, columns] of byTable()) {
    await db.schema.alterTable(table, (t) => {
      for (const [column, nullable] of columns) {
        const c = t.string(column, 32);
        (nullable ? c.nullable() : c.notNullable()).alter();
      }
    });
    for (const [column] of columns) {
      await db(table).whereNot(column, 'like', '%-%').update({ [column]: msToIso(db, column) });
    }
  }
}

/** Converts every ISO 8601 time column to epoch milliseconds. */
export async function up(db: Knex): Promise<void> {
  if (isPostgres(db)) await db.transaction((trx) => toEpochMs(trx));
  else await toEpochMs(db);
}

/** Back to ISO 8601 text. */
export async function down(db: Knex): Promise<void> {
  if (isPostgres(db)) await db.transaction((trx) => toIsoText(trx));
  else await toIsoText(db);
}
