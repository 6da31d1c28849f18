import type { Knex } from 'knex';

/**
 * The audit log becomes an RFC 9162 Merkle tree. Entries are appended without touching any earlier row: on
 * PostgreSQL `data_access_log.id` comes from a sequence (it came from the chain head row, locked by every read),
 * and the chain head goes. A sequencer gives each entry — data-access and admin alike — a leaf index
 * (`audit_leaves`), stores the perfect subtrees it completes (`audit_tree_nodes`, level 0 being leaf hashes)
 * and publishes signed tree heads (`audit_tree_heads`). The chain's `prev_hash`/`hash` stay on the entries
 * written before (their leaves include the chain hash, so nothing of the chain is lost) and are null after.
 */
const isPostgres = (db: Knex) => db.client.config.client === 'pg';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('data_access_log', (t) => {
    t.string('prev_hash', 64).nullable().alter();
    t.string('hash', 64).nullable().alter();
  });
  await db.schema.alterTable('data_access_log', (t) => {
    t.bigInteger('leaf_index').nullable().unique();
  });
  await db.schema.alterTable('admin_audit', (t) => {
    t.bigInteger('leaf_index').nullable().unique();
  });
  if (isPostgres(db)) {
    await db.raw('create sequence data_access_log_id_seq owned by data_access_log.id');
    await db.raw(`select setval('data_access_log_id_seq', coalesce((select max(id) from data_access_log), 0) + 1, false)`);
    await db.raw(`alter table data_access_log alter column id set default nextval('data_access_log_id_seq')`);
  }
  await db.schema.dropTable('audit_chain_head');
  await db.schema.createTable('audit_leaves', (t) => {
    t.bigInteger('leaf_index').primary();
    t.string('kind', 16).notNullable();
    t.bigInteger('entry_id').notNullable();
    t.unique(['kind', 'entry_id']);
  });
  await db.schema.createTable('audit_tree_nodes', (t) => {
    t.integer('level').notNullable();
    t.bigInteger('idx').notNullable();
    t.string('hash', 64).notNullable();
    t.primary(['level', 'idx']);
  });
  await db.schema.createTable('audit_tree_heads', (t) => {
    t.bigInteger('tree_size').primary();
    t.string('root_hash', 64).notNullable();
    t.bigInteger('at').notNullable();
    t.text('signature').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_tree_heads');
  await db.schema.dropTable('audit_tree_nodes');
  await db.schema.dropTable('audit_leaves');
  if (isPostgres(db)) {
    await db.raw('alter table data_access_log alter column id drop default');
    await db.raw('drop sequence data_access_log_id_seq');
  }
  await db.schema.createTable('audit_chain_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('last_id').notNullable();
    t.string('last_hash', 64).notNullable();
  });
  // Entries appended since cannot be chained again; the head resumes after the last chained one.
  const last = (await db('data_access_log').whereNotNull('hash').orderBy('id', 'desc').first('id', 'hash')) as { id: number | string; hash: string } | undefined;
  await db('audit_chain_head').insert({ id: 1, last_id: last ? Number(last.id) : 0, last_hash: last?.hash ?? '0'.repeat(64) });
  await db('data_access_log').whereNull('hash').delete();
  await db.schema.alterTable('admin_audit', (t) => {
    t.dropUnique(['leaf_index']);
    t.dropColumn('leaf_index');
  });
  await db.schema.alterTable('data_access_log', (t) => {
    t.dropUnique(['leaf_index']);
    t.dropColumn('leaf_index');
  });
  await db.schema.alterTable('data_access_log', (t) => {
    t.string('prev_hash', 64).notNullable().alter();
    t.string('hash', 64).notNullable().alter();
  });
}
