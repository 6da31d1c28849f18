import type { Knex } from 'knex';

/** Products, applications with consent, their transitions, money movements, reservations, idempotency, audit. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('products', (t) => {
    t.string('id', 36).primary();
    t.string('institution_id', 36).notNullable().index();
    t.string('name', 100).notNullable();
    t.bigInteger('max_amount_fen').notNullable();
    t.integer('max_share_bp').notNullable();
    t.integer('rate_min_bp').notNullable();
    t.integer('rate_max_bp').notNullable();
    t.integer('term_min_days').notNullable();
    t.integer('term_max_days').notNullable();
    t.string('categories', 64).notNullable(); // comma-separated: goods,services,works
    t.string('status', 16).notNullable();
    t.string('review_reason', 500).nullable();
    t.string('reviewed_by', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('product_regions', (t) => {
    t.string('product_id', 36).notNullable().references('id').inTable('products').onDelete('CASCADE');
    t.string('region_code', 6).notNullable().references('code').inTable('regions');
    t.primary(['product_id', 'region_code']);
    t.index(['region_code']);
  });
  await db.schema.createTable('applications', (t) => {
    t.string('id', 36).primary();
    t.string('contract_no', 64).notNullable().index();
    t.string('supplier_uscc', 18).notNullable();
    t.string('supplier_name', 200).notNullable();
    t.string('institution_id', 36).notNullable();
    t.string('product_id', 36).notNullable().references('id').inTable('products');
    t.string('purchaser_region_code', 6).notNullable().references('code').inTable('regions');
    t.boolean('supplier_is_sme').notNullable().defaultTo(true);
    t.bigInteger('requested_amount_fen').notNullable();
    t.string('status', 24).notNullable();
    t.bigInteger('approved_amount_fen').nullable();
    t.integer('annual_rate_bp').nullable();
    t.integer('term_days').nullable();
    t.string('account_bank_name', 100).nullable();
    t.string('account_name', 100).nullable();
    t.string('account_number', 32).nullable();
    t.string('lock_ref', 64).nullable();
    t.string('loan_no', 64).nullable();
    t.bigInteger('disbursed_fen').notNullable().defaultTo(0);
    t.bigInteger('repaid_fen').notNullable().defaultTo(0);
    t.string('consent_parts', 64).notNullable(); // comma-separated consent parts
    t.bigInteger('consent_expires_at').notNullable();
    t.bigInteger('consent_revoked_at').nullable();
    t.string('reason_code', 64).nullable();
    t.bigInteger('decided_at').nullable();
    t.bigInteger('disbursed_at').nullable();
    t.bigInteger('settled_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['institution_id', 'created_at']);
    t.index(['supplier_uscc', 'created_at']);
    t.index(['purchaser_region_code', 'created_at']);
  });
  // One live financing per contract: the primary key makes the second reservation fail on both databases.
  await db.schema.createTable('contract_reservations', (t) => {
    t.string('contract_no', 64).primary();
    t.string('application_id', 36).notNullable().unique().references('id').inTable('applications');
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('application_transitions', (t) => {
    t.increments('id').primary();
    t.string('application_id', 36).notNullable().references('id').inTable('applications');
    t.string('from_status', 24).nullable();
    t.string('to_status', 24).notNullable();
    t.string('actor', 80).notNullable();
    t.string('reason_code', 64).nullable();
    t.string('reason_text', 500).nullable();
    t.bigInteger('at').notNullable();
    t.index(['application_id', 'id']);
  });
  await db.schema.createTable('disbursements', (t) => {
    t.increments('id').primary();
    t.string('application_id', 36).notNullable().references('id').inTable('applications');
    t.string('loan_no', 64).notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.string('disbursed_on', 10).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('repayments', (t) => {
    t.increments('id').primary();
    t.string('application_id', 36).notNullable().references('id').inTable('applications').index();
    t.bigInteger('amount_fen').notNullable();
    t.string('repaid_on', 10).notNullable();
    t.string('reference', 64).nullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('idempotency_keys', (t) => {
    t.string('client_id', 128).notNullable();
    t.string('key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.string('state', 16).notNullable(); // running | done
    t.integer('status_code').nullable();
    t.text('response_body').nullable();
    t.bigInteger('created_at').notNullable().index();
    t.primary(['client_id', 'key']);
  });
  await db.schema.createTable('data_access_log', (t) => {
    t.bigInteger('id').primary(); // sequence assigned under the chain-head lock
    t.bigInteger('at').notNullable();
    t.string('institution_id', 36).notNullable();
    t.string('application_id', 36).notNullable();
    t.string('contract_no', 64).notNullable();
    t.string('supplier_uscc', 18).notNullable().index();
    t.string('purchaser_region_code', 6).notNullable().index();
    t.string('part', 16).notNullable();
    t.bigInteger('consent_expires_at').notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
  });
  await db.schema.createTable('audit_chain_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('last_id').notNullable();
    t.string('last_hash', 64).notNullable();
  });
  await db('audit_chain_head').insert({ id: 1, last_id: 0, last_hash: '0'.repeat(64) });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'audit_chain_head',
    'data_access_log',
    'idempotency_keys',
    'repayments',
    'disbursements',
    'application_transitions',
    'contract_reservations',
    'applications',
    'product_regions',
    'products',
  ]) {
    await db.schema.dropTable(table);
  }
}
