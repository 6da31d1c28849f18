import type { Knex } from 'knex';

/**
 * Covering indices for statistics: per purchaser region, applications by when they were submitted, decided and
 * disbursed, with the columns the sums and durations read, so that a year of a whole 自治区 is read from the
 * indices alone without touching the table or joining the transitions.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('applications', (t) => {
    t.index(['purchaser_region_code', 'created_at', 'institution_id', 'supplier_is_sme', 'requested_amount_fen'], 'applications_stats_created_index');
    t.index(['purchaser_region_code', 'decided_at', 'institution_id', 'created_at', 'approved_amount_fen', 'reason_code'], 'applications_stats_decided_index');
    t.index(['purchaser_region_code', 'disbursed_at', 'institution_id', 'created_at', 'disbursed_fen'], 'applications_stats_disbursed_index');
  });
  await db.schema.alterTable('repayments', (t) => {
    t.index(['created_at'], 'repayments_created_at_index');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('repayments', (t) => {
    t.dropIndex(['created_at'], 'repayments_created_at_index');
  });
  await db.schema.alterTable('applications', (t) => {
    t.dropIndex([], 'applications_stats_disbursed_index');
    t.dropIndex([], 'applications_stats_decided_index');
    t.dropIndex([], 'applications_stats_created_index');
  });
}
