import type { Knex } from 'knex';

/**
 * What the outbox fans out to institutions: one row per (event, receiving institution) — the pull feed and the
 * webhook delivery state at once — the attempts made to deliver them, and each institution's endpoint state.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('event_deliveries', (t) => {
    // The feed's order; assigned under a lock held to commit on PostgreSQL, so a reader never skips a row.
    t.bigIncrements('seq').primary();
    t.string('id', 64).notNullable().unique(); // the published event id, also the `webhook-id`
    t.string('institution_id', 64).notNullable();
    t.string('event_id', 128).notNullable(); // the outbox row it announces
    t.string('application_id', 36).nullable();
    t.string('type', 64).notNullable();
    t.text('body').notNullable(); // the exact JSON sent and served, so redeliveries are byte-identical
    t.string('status', 16).notNullable(); // pending | delivered | failed | not_sent
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').nullable();
    t.string('claim_token', 36).nullable();
    t.integer('last_status_code').nullable();
    t.string('last_error', 200).nullable();
    t.bigInteger('delivered_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['institution_id', 'seq']);
    t.index(['status', 'next_attempt_at']);
    t.index(['event_id']);
  });
  await db.schema.createTable('webhook_attempts', (t) => {
    t.increments('id').primary();
    t.string('delivery_id', 64).notNullable().references('id').inTable('event_deliveries');
    t.integer('attempt').notNullable();
    t.string('url', 2048).notNullable();
    t.bigInteger('started_at').notNullable();
    t.integer('duration_ms').notNullable();
    t.integer('status_code').nullable();
    t.string('error', 200).nullable();
    t.string('outcome', 16).notNullable(); // delivered | retry | failed | disabled
    t.index(['delivery_id', 'id']);
  });
  await db.schema.createTable('webhook_endpoints', (t) => {
    t.string('institution_id', 64).primary();
    t.string('previous_secret', 128).nullable();
    t.bigInteger('previous_secret_until').nullable();
    t.bigInteger('disabled_at').nullable();
    t.string('disabled_reason', 64).nullable();
    t.bigInteger('updated_at').notNullable();
  });
}

/** Drops what `up` created, dependants first. */
export async function down(db: Knex): Promise<void> {
  for (const table of ['webhook_endpoints', 'webhook_attempts', 'event_deliveries']) await db.schema.dropTable(table);
}
