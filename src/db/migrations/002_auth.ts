import type { Knex } from 'knex';

/**
 * OAuth clients (finance bureaus and institutions), their registered keys, the gateway's own
 * signing keys, single-use `jti`s and the admin audit trail.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('clients', (t) => {
    t.string('client_id', 64).primary();
    t.string('kind', 16).notNullable();
    t.string('status', 16).notNullable();
    t.boolean('dpop_required').notNullable();
    t.string('jwks_uri', 2048).nullable();
    t.string('created_at', 32).notNullable();
  });
  // One row per registered public key; a resource request checks its row by primary key.
  await db.schema.createTable('client_keys', (t) => {
    t.string('client_id', 64).notNullable().references('client_id').inTable('clients').onDelete('CASCADE');
    t.string('jkt', 64).notNullable();
    t.string('kid', 256).nullable();
    t.text('jwk').notNullable();
    t.primary(['client_id', 'jkt']);
  });
  await db.schema.createTable('bureaus', (t) => {
    t.string('client_id', 64).primary().references('client_id').inTable('clients');
    t.string('region_code', 6).notNullable().unique().references('code').inTable('regions');
    t.string('name', 128).notNullable();
    t.string('created_by', 64).nullable();
    t.string('created_at', 32).notNullable();
  });
  await db.schema.createTable('institutions', (t) => {
    t.string('client_id', 64).primary().references('client_id').inTable('clients');
    t.string('name', 200).notNullable();
    t.string('uscc', 18).notNullable().unique();
    t.string('license_no', 64).notNullable();
    t.string('type', 16).notNullable();
    t.string('status_reason', 500).nullable();
    t.string('webhook_url', 2048).nullable();
    t.string('webhook_secret', 128).notNullable();
    t.string('contact_name', 100).nullable();
    t.string('contact_phone', 32).nullable();
    t.string('contact_email', 254).nullable();
    t.string('created_by', 64).nullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
  });
  await db.schema.createTable('institution_regions', (t) => {
    t.string('client_id', 64).notNullable().references('client_id').inTable('institutions').onDelete('CASCADE');
    t.string('region_code', 6).notNullable().references('code').inTable('regions');
    t.primary(['client_id', 'region_code']);
    t.index(['region_code']);
  });
  await db.schema.createTable('gateway_keys', (t) => {
    t.string('kid', 64).primary();
    t.string('alg', 16).notNullable();
    t.string('status', 16).notNullable();
    t.text('private_jwk').notNullable();
    t.text('public_jwk').notNullable();
    t.string('created_at', 32).notNullable();
  });
  // The primary key is what makes a jti single-use across instances: the second insert fails.
  await db.schema.createTable('used_jtis', (t) => {
    t.string('key', 400).primary();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
  await db.schema.createTable('admin_audit', (t) => {
    t.increments('id').primary();
    t.string('at', 32).notNullable();
    t.string('actor', 64).nullable();
    t.string('action', 64).notNullable();
    t.string('target', 64).notNullable();
    t.text('before').nullable();
    t.text('after').nullable();
    t.index(['target']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'admin_audit',
    'used_jtis',
    'gateway_keys',
    'institution_regions',
    'institutions',
    'bureaus',
    'client_keys',
    'clients',
  ]) {
    await db.schema.dropTable(table);
  }
}
