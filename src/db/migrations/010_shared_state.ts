import type { Knex } from 'knex';

/**
 * State every instance shares. `rate_limit_buckets`: token buckets of the token endpoint and the public routes on
 * PostgreSQL. `gateway_keys.retired_at`: a rotated-out key stays published until the tokens it may still have
 * signed expire; one active key at most (a partial unique index), so instances starting together agree on one.
 * `idempotency_keys.lease_until`: an in-progress key whose instance died lapses and may be run again.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('rate_limit_buckets', (t) => {
    t.string('bucket', 300).primary();
    t.double('tokens').notNullable();
    t.integer('taken').notNullable(); // 1 when the last request took a token, 0 when it was refused
    t.bigInteger('at').notNullable().index();
  });
  await db.schema.alterTable('gateway_keys', (t) => {
    t.bigInteger('retired_at').nullable();
  });
  // Instances that raced at first start may have made several active keys: the newest stays active.
  const active = (await db('gateway_keys').where('status', 'active').orderBy('created_at', 'desc').select('kid')) as { kid: string }[];
  if (active.length > 1) await db('gateway_keys').whereIn('kid', active.slice(1).map((k) => k.kid)).update({ status: 'previous' });
  await db.raw(`create unique index gateway_keys_one_active on gateway_keys (status) where status = 'active'`);
  await db.schema.alterTable('idempotency_keys', (t) => {
    t.bigInteger('lease_until').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('lease_until');
  });
  await db.raw('drop index gateway_keys_one_active');
  await db('gateway_keys').where('status', 'retired').delete();
  await db.schema.alterTable('gateway_keys', (t) => {
    t.dropColumn('retired_at');
  });
  await db.schema.dropTable('rate_limit_buckets');
}
