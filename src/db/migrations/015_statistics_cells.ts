import type { Knex } from 'knex';

/**
 * Statistics read per cell — purchaser region, then institution — in the order of their indices, so that neither
 * database has to sort a year of rows to group them. 006's indices ran by region and then time: the scan was a
 * range, but every GROUP BY over it sorted all the rows it read (at 1,000,000 applications that sort, not the
 * reading, was most of each query's time). These run by region, institution and then time: with the region and the
 * institution given as lists, each cell is one range, read in group order.
 *
 * Repayments carry their application's purchaser region and institution (neither ever changes), copied when the
 * repayment is written: the repaid sums then come from an index alone instead of a lookup of each repayment's
 * application by id, a random read into the largest table. Existing repayments are filled in here.
 *
 * Not expand-only: an old instance would record repayments without the two columns, which the statistics would
 * then miss. Stop the old instances before the first new one starts (as for 009).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('applications', (t) => {
    t.index(['purchaser_region_code', 'institution_id', 'created_at', 'supplier_is_sme', 'requested_amount_fen'], 'applications_cell_created_index');
    t.index(['purchaser_region_code', 'institution_id', 'decided_at', 'created_at', 'approved_amount_fen', 'reason_code'], 'applications_cell_decided_index');
    t.index(['purchaser_region_code', 'institution_id', 'disbursed_at', 'created_at', 'disbursed_fen'], 'applications_cell_disbursed_index');
  });
  await db.schema.alterTable('applications', (t) => {
    t.dropIndex([], 'applications_stats_disbursed_index');
    t.dropIndex([], 'applications_stats_decided_index');
    t.dropIndex([], 'applications_stats_created_index');
  });
  await db.schema.alterTable('repayments', (t) => {
    t.string('region_code', 6).nullable();
    t.string('institution_id', 36).nullable();
  });
  const of = (column: string) => db('applications').select(column).where('applications.id', db.ref('repayments.application_id'));
  await db('repayments').update({ region_code: of('purchaser_region_code'), institution_id: of('institution_id') });
  await db.schema.alterTable('repayments', (t) => {
    t.index(['region_code', 'institution_id', 'created_at', 'amount_fen'], 'repayments_cell_index');
    t.dropIndex([], 'repayments_created_at_index');
  });
}

/** Puts back 006's indices and drops what `up` added. */
export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('repayments', (t) => {
    t.index(['created_at'], 'repayments_created_at_index');
    t.dropIndex([], 'repayments_cell_index');
  });
  await db.schema.alterTable('repayments', (t) => {
    t.dropColumn('institution_id');
    t.dropColumn('region_code');
  });
  await db.schema.alterTable('applications', (t) => {
    t.index(['purchaser_region_code', 'created_at', 'institution_id', 'supplier_is_sme', 'requested_amount_fen'], 'applications_stats_created_index');
    t.index(['purchaser_region_code', 'decided_at', 'institution_id', 'created_at', 'approved_amount_fen', 'reason_code'], 'applications_stats_decided_index');
    t.index(['purchaser_region_code', 'disbursed_at', 'institution_id', 'created_at', 'disbursed_fen'], 'applications_stats_disbursed_index');
  });
  await db.schema.alterTable('applications', (t) => {
    t.dropIndex([], 'applications_cell_disbursed_index');
    t.dropIndex([], 'applications_cell_decided_index');
    t.dropIndex([], 'applications_cell_created_index');
  });
}
