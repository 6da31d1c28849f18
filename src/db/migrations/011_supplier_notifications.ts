import type { Knex } from 'knex';

/** How far each supplier has read its notifications (`markSupplierNotificationsRead`): one mark per supplier. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('supplier_notification_reads', (t) => {
    t.string('supplier_uscc', 18).primary();
    t.bigInteger('read_through').notNullable(); // epoch ms: what happened at or before this is read
    t.bigInteger('updated_at').notNullable();
  });
}

/** Drops what `up` created. */
export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('supplier_notification_reads');
}
