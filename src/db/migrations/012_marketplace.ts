import type { Knex } from 'knex';

/**
 * The financing marketplace: open intents (公开融资意向), the banks' quotes on them, the intent an application
 * came from, and where the release of a collection account at the cloud stands.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('financing_intents', (t) => {
    t.string('id', 36).primary();
    t.string('supplier_uscc', 18).notNullable();
    t.string('contract_no', 64).notNullable();
    t.string('purchaser_region_code', 6).notNullable().references('code').inTable('regions');
    t.string('category', 16).notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.integer('term_days').notNullable();
    t.string('visible_fields', 80).notNullable(); // comma-separated IntentVisibleField
    // The summary as it stood at publication: banks see the band and the acceptance, never the contract.
    t.bigInteger('contract_amount_fen').notNullable();
    t.boolean('contract_accepted').notNullable();
    t.string('status', 16).notNullable(); // open | accepted | withdrawn (expired is open past expires_at)
    t.bigInteger('expires_at').notNullable();
    t.string('accepted_quote_id', 36).nullable();
    t.string('application_id', 36).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['supplier_uscc', 'created_at']);
    t.index(['contract_no', 'status']);
    t.index(['status', 'purchaser_region_code', 'created_at']);
  });
  await db.schema.createTable('intent_quotes', (t) => {
    t.string('id', 36).primary();
    t.string('intent_id', 36).notNullable().references('id').inTable('financing_intents');
    t.string('institution_id', 64).notNullable();
    t.string('product_id', 36).notNullable().references('id').inTable('products');
    t.bigInteger('amount_fen').notNullable();
    t.integer('annual_rate_bp').notNullable();
    t.integer('term_days').notNullable();
    t.bigInteger('fees_fen').notNullable();
    t.string('conditions', 500).nullable();
    t.bigInteger('valid_until').notNullable();
    t.string('status', 16).notNullable(); // live | withdrawn | accepted | declined
    t.integer('revision').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    // One quote per bank per intent: a new quote revises it.
    t.unique(['intent_id', 'institution_id']);
  });
  // Bureau policy (政策参数): a region's own rules; null inherits from the regions above.
  await db.schema.createTable('region_policies', (t) => {
    t.string('region_code', 6).primary().references('code').inTable('regions');
    t.integer('max_share_bp').nullable();
    t.bigInteger('max_amount_fen').nullable();
    t.integer('max_rate_bp').nullable();
    t.boolean('fees_allowed').nullable();
    t.integer('decide_days').nullable();
    t.integer('disburse_days').nullable();
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 64).notNullable();
  });
  // Deadlines of the policy that passed: one row per application and deadline, so each is announced once.
  await db.schema.createTable('deadline_breaches', (t) => {
    t.string('application_id', 36).notNullable().references('id').inTable('applications');
    t.string('deadline', 16).notNullable(); // decide | disburse
    t.string('institution_id', 64).notNullable();
    t.string('region_code', 6).notNullable();
    t.integer('working_days').notNullable();
    t.bigInteger('due_at').notNullable();
    t.bigInteger('recorded_at').notNullable();
    t.primary(['application_id', 'deadline']);
    t.index(['region_code', 'recorded_at']);
  });
  // Pre-approved credit lines (提前授信): `used_fen` only moves by a conditional update, so it never exceeds the amount.
  await db.schema.createTable('credit_lines', (t) => {
    t.string('id', 36).primary();
    t.string('institution_id', 64).notNullable();
    t.string('supplier_uscc', 18).notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.bigInteger('used_fen').notNullable().defaultTo(0);
    t.integer('annual_rate_bp').notNullable();
    t.bigInteger('valid_until').notNullable();
    t.string('status', 16).notNullable(); // active | revoked
    t.bigInteger('revoked_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['institution_id', 'created_at']);
    t.index(['supplier_uscc', 'status']);
  });
  await db.schema.alterTable('applications', (t) => {
    t.string('intent_id', 36).nullable();
    t.string('credit_line_id', 36).nullable();
    t.string('account_release', 32).nullable(); // account_release_pending | account_released
    t.bigInteger('account_released_at').nullable();
  });
  // The sandbox cloud remembers releases like the real one.
  await db.schema.alterTable('sandbox_account_changes', (t) => {
    t.bigInteger('released_at').nullable();
  });
}

/** Drops what `up` created. */
export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('sandbox_account_changes', (t) => {
    t.dropColumn('released_at');
  });
  await db.schema.alterTable('applications', (t) => {
    t.dropColumn('account_released_at');
    t.dropColumn('account_release');
    t.dropColumn('credit_line_id');
    t.dropColumn('intent_id');
  });
  await db.schema.dropTable('credit_lines');
  await db.schema.dropTable('deadline_breaches');
  await db.schema.dropTable('region_policies');
  await db.schema.dropTable('intent_quotes');
  await db.schema.dropTable('financing_intents');
}
