import type { Knex } from 'knex';
import type { Transactional } from '../transactional.js';
import { isPostgres } from './knex.js';
import { inTransaction } from './request-transaction.js';
import { withTransactionRetry } from './transaction-retry.js';

/** Most units of work one SQLite commit carries. */
const MAX_GROUP = 64;

// Taken at load, as in prepared.ts: a test that fakes timers must not stall every write behind a fake setImmediate.
const nextTurn = setImmediate;

interface Pending<S> {
  work: (stores: S) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * A {@link Transactional} on a knex database: `work` gets the stores `bind` makes on one transaction, so
 * everything it writes (its own rows, the outbox…) commits or rolls back together (the Unleash
 * `withTransactional` idea).
 *
 * On PostgreSQL each call is a transaction of its own. SQLite has one writer and one connection, so calls
 * queue for it anyway; there the calls that arrive in the same turn of the event loop share one transaction,
 * run one after another (a group commit, as prepared.ts does for single statements). Each promise settles
 * after the commit. If any of them throws, the whole group rolls back and each is run again in a
 * transaction of its own, so a failure answers only its own call: {@link Transactional} allows `work` to be
 * run again. Any transaction that meets another writer (another process on the SQLite file, a PostgreSQL
 * serialisation failure) runs again whole, bounded (`withTransactionRetry`). Inside a request transaction
 * (request-transaction.ts) a call runs at once, in a savepoint of it, never in a group with other requests.
 */
export function knexTransactional<S>(db: Knex, bind: (trx: Knex) => S): Transactional<S> {
  const alone = <T>(work: (stores: S) => Promise<T>): Promise<T> => withTransactionRetry(db, (trx) => work(bind(trx)));
  if (isPostgres(db)) return alone;

  let queue: Pending<S>[] = [];
  let scheduled = false;

  const runGroup = async (group: Pending<S>[]): Promise<void> => {
    if (group.length === 1) {
      const [p] = group;
      await alone(p!.work).then(p!.resolve, p!.reject);
      return;
    }
    let results: unknown[];
    try {
      results = await withTransactionRetry(db, async (trx) => {
        const out: unknown[] = [];
        for (const p of group) out.push(await p.work(bind(trx)));
        return out;
      });
    } catch {
      for (const p of group) await alone(p.work).then(p.resolve, p.reject);
      return;
    }
    group.forEach((p, i) => p.resolve(results[i]));
  };

  const flush = async (): Promise<void> => {
    // Calls that arrive while a group runs form the next one.
    while (queue.length) {
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      await runGroup(group);
    }
    scheduled = false;
  };

  return <T>(work: (stores: S) => Promise<T>): Promise<T> => {
    if (inTransaction(db)) return alone(work);
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        nextTurn(() => void flush());
      }
    });
  };
}
