import type { Knex } from 'knex';

/** GB/T 2260 administrative divisions the gateway serves. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('regions', (t) => {
    t.string('code', 6).primary();
    t.string('name', 64).notNullable();
    t.string('level', 16).notNullable();
    t.string('parent_code', 6).nullable().references('code').inTable('regions');
    t.index(['parent_code']);
    t.index(['level']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('regions');
}
