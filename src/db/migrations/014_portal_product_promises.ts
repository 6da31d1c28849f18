import type { Knex } from 'knex';

/**
 * What an SME compares besides rate, amount and term: a product's one-off fee (basis points of the loan; 0 for
 * none, which is what every existing product charges), the working days its bank promises to decide and to pay
 * in (null for no promise, as existing products made none) and what it requires of the supplier (null: nothing
 * beyond the contract). Expand only: existing products read as before.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('products', (t) => {
    t.integer('fee_bp').notNullable().defaultTo(0);
    t.integer('decide_days').nullable();
    t.integer('disburse_days').nullable();
    t.string('requirements', 500).nullable();
  });
}

/** Drops what `up` added. */
export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('products', (t) => {
    t.dropColumn('fee_bp');
    t.dropColumn('decide_days');
    t.dropColumn('disburse_days');
    t.dropColumn('requirements');
  });
}
