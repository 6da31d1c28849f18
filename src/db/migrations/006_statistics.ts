import type { Knex } from 'knex';

/**
 * Indices for statistics: decisions and disbursements are counted by when they happened, and joined back to
 * their application.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('application_transitions', (t) => {
    t.index(['to_status', 'at'], 'application_transitions_to_status_at_index');
  });
  await db.schema.alterTable('disbursements', (t) => {
    t.index(['created_at'], 'disbursements_created_at_index');
    t.index(['application_id'], 'disbursements_application_id_index');
  });
  await db.schema.alterTable('repayments', (t) => {
    t.index(['created_at'], 'repayments_created_at_index');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('repayments', (t) => {
    t.dropIndex(['created_at'], 'repayments_created_at_index');
  });
  await db.schema.alterTable('disbursements', (t) => {
    t.dropIndex(['application_id'], 'disbursements_application_id_index');
    t.dropIndex(['created_at'], 'disbursements_created_at_index');
  });
  await db.schema.alterTable('application_transitions', (t) => {
    t.dropIndex(['to_status', 'at'], 'application_transitions_to_status_at_index');
  });
}
