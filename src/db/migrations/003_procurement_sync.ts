import type { Knex } from 'knex';

/** Contracts, acceptances, payments and risk flags synced from the procurement cloud; the outbox; quarantine. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('contracts', (t) => {
    t.string('contract_no', 64).primary();
    t.string('project_no', 64).notNullable();
    t.string('purchaser_name', 200).notNullable();
    t.string('purchaser_region_code', 6).notNullable();
    t.string('supplier_uscc', 18).notNullable();
    t.string('supplier_name', 200).notNullable();
    t.boolean('supplier_sme').notNullable();
    t.string('category', 16).notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.string('procurement_method', 32).notNullable();
    t.string('signed_on', 10).notNullable();
    t.text('payment_terms').notNullable();
    t.string('status', 16).notNullable();
    t.integer('version').notNullable();
    t.string('last_change_id', 128).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['supplier_uscc']);
    t.index(['purchaser_region_code']);
  });
  await db.schema.createTable('contract_amendments', (t) => {
    t.string('change_id', 128).primary();
    t.string('contract_no', 64).notNullable().references('contract_no').inTable('contracts');
    t.integer('version').notNullable();
    t.string('occurred_at', 32).notNullable();
    t.string('kind', 32).notNullable();
    t.text('changes').notNullable();
    t.index(['contract_no', 'version']);
  });
  await db.schema.createTable('acceptances', (t) => {
    t.string('acceptance_id', 64).primary();
    t.string('contract_no', 64).notNullable().references('contract_no').inTable('contracts');
    t.string('accepted_at', 32).notNullable();
    t.string('result', 16).notNullable();
    t.index(['contract_no']);
  });
  await db.schema.createTable('payments', (t) => {
    t.string('payment_id', 64).primary();
    t.string('contract_no', 64).notNullable().references('contract_no').inTable('contracts');
    t.bigInteger('amount_fen').notNullable();
    t.string('paid_at', 32).notNullable();
    t.index(['contract_no']);
  });
  await db.schema.createTable('supplier_risk_flags', (t) => {
    t.string('flag_id', 64).primary();
    t.string('supplier_uscc', 18).notNullable();
    t.string('kind', 40).notNullable();
    t.string('recorded_at', 32).notNullable();
    t.string('description', 500).notNullable();
    t.string('lifted_at', 32).nullable();
    t.index(['supplier_uscc']);
  });
  await db.schema.createTable('sync_cursors', (t) => {
    t.string('source', 32).primary();
    t.string('cursor', 64).notNullable();
    t.string('updated_at', 32).notNullable();
  });
  await db.schema.createTable('quarantined_records', (t) => {
    t.string('id', 64).primary();
    t.string('source', 32).notNullable();
    t.string('change_id', 128).nullable();
    t.string('reason', 1000).notNullable();
    t.text('raw_payload').notNullable();
    t.string('region_code', 6).nullable();
    t.string('received_at', 32).notNullable();
    t.index(['received_at', 'id']);
    t.index(['region_code']);
  });
  await db.schema.createTable('events', (t) => {
    t.string('id', 128).primary();
    t.string('type', 64).notNullable();
    t.string('occurred_at', 32).notNullable();
    t.string('contract_no', 64).nullable();
    t.text('payload').notNullable();
    t.string('created_at', 32).notNullable();
    t.index(['created_at']);
    t.index(['contract_no']);
  });
}

/** Drops what `up` created, dependants first. */
export async function down(db: Knex): Promise<void> {
  for (const table of ['events', 'quarantined_records', 'sync_cursors', 'supplier_risk_flags', 'payments', 'acceptances', 'contract_amendments', 'contracts']) {
    await db.schema.dropTable(table);
  }
}
