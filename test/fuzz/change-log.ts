import type { Knex } from '../../src/db/knex.js';

// What the fuzzer compares before and after a refused write, for the price of one indexed read: triggers on
// every table (but the bookkeeping ones) append a row to `fuzz_changes` for each row inserted, deleted or
// changed (an UPDATE that writes the same values does not count). The log is transactional, so a write that
// rolled back leaves no trace, and a committed one raises its highest id. It lives only in the fuzzer's
// throwaway database.

/** The change log's position: the id of its last entry. */
export type ChangeMark = number;

/** Installs the triggers on `tables` of `db` (a migrated database of kind `kind`). */
export async function installChangeLog(db: Knex, kind: 'pg' | 'sqlite', tables: readonly string[]): Promise<void> {
  if (kind === 'pg') {
    await db.raw(`create table fuzz_changes (id bigserial primary key, t text not null)`);
    await db.raw(`create function fuzz_note_change() returns trigger language plpgsql as $$
      begin
        insert into fuzz_changes (t) values (tg_table_name);
        return null;
      end $$`);
    for (const t of tables) {
      await db.raw(`create trigger fuzz_note_rows after insert or delete on "${t}" for each row execute function fuzz_note_change()`);
      // Rows compared as text: a json column has no equality operator.
      await db.raw(
        `create trigger fuzz_note_updates after update on "${t}" for each row when ((old.*)::text is distinct from (new.*)::text) execute function fuzz_note_change()`,
      );
    }
    return;
  }
  await db.raw(`create table fuzz_changes (id integer primary key, t text not null)`);
  for (const t of tables) {
    const columns = ((await db.raw(`select name from pragma_table_info(?)`, [t])) as { name: string }[]).map((c) => `"${c.name}"`);
    const changed = columns.map((c) => `old.${c} is not new.${c}`).join(' or ');
    for (const [event, when] of [['insert', ''], ['delete', ''], ['update', ` when ${changed}`]] as const) {
      await db.raw(`create trigger "fuzz_${event}_${t}" after ${event} on "${t}" for each row${when} begin insert into fuzz_changes (t) values ('${t}'); end`);
    }
  }
}

/** Where the change log stands now. */
export async function changeMark(db: Knex): Promise<ChangeMark> {
  const row = (await db('fuzz_changes').max({ n: 'id' }).first()) as { n: number | string | null } | undefined;
  return Number(row?.n ?? 0);
}

/** The tables written since `mark`, each with how many rows. */
export async function changesSince(db: Knex, mark: ChangeMark): Promise<Record<string, number>> {
  const rows = (await db('fuzz_changes').select('t').count({ n: '*' }).where('id', '>', mark).groupBy('t')) as { t: string; n: number | string }[];
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}
