import type { Knex } from 'knex';

/**
 * Supervision: the notices and dishonesty and penalty records bureaus write and publish (信息发布、失信通报).
 * Times are epoch milliseconds; dates of a record's period are `YYYY-MM-DD` (China Standard Time).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('notices', (t) => {
    t.string('id', 40).primary();
    t.string('kind', 16).notNullable();
    t.string('status', 16).notNullable();
    t.string('region_code', 6).notNullable().references('code').inTable('regions');
    t.string('bureau_id', 64).notNullable().references('client_id').inTable('bureaus');
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('subject_name', 200).nullable();
    t.string('subject_uscc', 18).nullable();
    t.text('finding').nullable();
    t.string('decision_no', 100).nullable();
    t.string('period_start', 10).nullable();
    t.string('period_end', 10).nullable();
    t.string('created_by', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('published_at').nullable();
    t.bigInteger('withdrawn_at').nullable();
    t.string('withdrawal_reason', 500).nullable();
    // The public list: published, newest first; the bureaus' list: by region, latest change first.
    t.index(['status', 'published_at', 'id'], 'notices_public_index');
    t.index(['region_code', 'updated_at', 'id'], 'notices_region_index');
  });
}

/** Drops what `up` created. */
export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('notices');
}
