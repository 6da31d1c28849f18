import type { Knex } from 'knex';

/**
 * People: the staff registry, sessions, sign-in flows in progress, the gateway's relying-party signing keys,
 * and the sandbox identity provider's state. Times are epoch milliseconds.
 */
export async function up(db: Knex): Promise<void> {
  // Who may act for a bureau in a browser: an identity at a provider (issuer + subject), a bureau, a role.
  await db.schema.createTable('staff', (t) => {
    t.string('id', 40).primary();
    t.string('issuer', 2048).notNullable();
    t.string('subject', 255).notNullable();
    t.string('bureau_id', 64).notNullable().references('client_id').inTable('bureaus');
    t.string('role', 16).notNullable();
    t.string('name', 100).notNullable();
    t.string('created_by', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['issuer', 'subject']);
    t.index(['bureau_id']);
  });
  // A session is found by the hash of its cookie; the cookie value itself is never stored.
  await db.schema.createTable('sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.string('kind', 16).notNullable();
    t.string('issuer', 2048).notNullable();
    t.string('subject', 255).notNullable();
    t.string('staff_id', 40).nullable().references('id').inTable('staff').onDelete('CASCADE');
    t.string('supplier_uscc', 18).nullable();
    t.string('person_name', 200).notNullable();
    t.string('organisation_name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
    t.index(['last_seen_at']);
    t.index(['staff_id']);
  });
  // A sign-in in progress, found by the hash of the secret in the browser's flow cookie; deleted when used.
  await db.schema.createTable('signin_flows', (t) => {
    t.string('id_hash', 64).primary();
    t.string('kind', 16).notNullable();
    t.string('return_to', 512).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
  await db.schema.createTable('signin_keys', (t) => {
    t.string('kid', 64).primary();
    t.string('alg', 16).notNullable();
    t.string('status', 16).notNullable();
    t.text('private_jwk').notNullable();
    t.text('public_jwk').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  // oidc-provider's models (interactions, sessions, codes, grants …) of the sandbox provider, and its keys.
  await db.schema.createTable('sandbox_oidc', (t) => {
    t.string('model', 40).notNullable();
    t.string('id', 255).notNullable();
    t.text('payload').notNullable();
    t.string('grant_id', 255).nullable();
    t.string('uid', 255).nullable();
    t.string('user_code', 255).nullable();
    t.bigInteger('expires_at').nullable();
    t.primary(['model', 'id']);
    t.index(['grant_id']);
    t.index(['uid']);
    t.index(['expires_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['sandbox_oidc', 'signin_keys', 'signin_flows', 'sessions', 'staff']) {
    await db.schema.dropTableIfExists(table);
  }
}
