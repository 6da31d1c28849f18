import type { Knex } from 'knex';

/** The sandbox procurement cloud's own state, shared by every process on the database. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sandbox_state', (t) => {
    t.string('key', 32).primary();
    t.text('value').notNullable();
  });
  await db.schema.createTable('sandbox_feed', (t) => {
    t.bigInteger('seq').primary();
    t.string('change_id', 128).notNullable().unique();
    t.text('payload').notNullable();
  });
  await db.schema.createTable('sandbox_pending', (t) => {
    t.string('change_id', 128).primary();
    t.bigInteger('due_at').notNullable();
    t.text('payload').notNullable();
    t.index(['due_at', 'change_id']);
  });
  await db.schema.createTable('sandbox_account_behaviour', (t) => {
    t.string('contract_no', 64).primary();
    t.string('behaviour', 16).notNullable();
  });
  await db.schema.createTable('sandbox_account_changes', (t) => {
    t.string('ref', 64).primary();
    t.string('contract_no', 64).notNullable();
    t.string('financing_ref', 64).notNullable();
    t.text('account').notNullable();
    t.string('status', 16).notNullable();
    t.string('reason', 64).nullable();
    t.bigInteger('decide_at').notNullable();
    t.unique(['contract_no', 'financing_ref']);
  });
}

/** Drops what `up` created, dependants first. */
export async function down(db: Knex): Promise<void> {
  for (const table of ['sandbox_account_changes', 'sandbox_account_behaviour', 'sandbox_pending', 'sandbox_feed', 'sandbox_state']) {
    await db.schema.dropTable(table);
  }
}
