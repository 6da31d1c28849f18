import type { Knex } from 'knex';
import type { Transactional } from '../transactional.js';

/**
 * A {@link Transactional} on a knex database: each call opens a transaction and hands `work` the stores `bind`
 * makes on it. Everything `bind` returns shares that one transaction (the Unleash `withTransactional` idea).
 */
export function knexTransactional<S>(db: Knex, bind: (trx: Knex) => S): Transactional<S> {
  return (work) => db.transaction((trx) => work(bind(trx)));
}
