import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/** One request's transaction: set while its work runs, cleared before it commits. */
interface Scope {
  /** The client of the database the transaction is on (one process may hold several databases). */
  client: object;
  trx: Knex.Transaction | undefined;
}

const scopes = new AsyncLocalStorage<Scope>();
/** The base database's client of each handle made here (inside a request transaction, `handle.client` is the transaction's). */
const baseClients = new WeakMap<object, object>();

/**
 * The database handle the gateway hands to its stores and services (createDb returns it): it is `base`,
 * except inside a request transaction on `base` ({@link runInRequestTransaction}), where it is that
 * transaction. A store keeps the handle it was built with and its queries join the request's transaction
 * without knowing of it; `transaction(...)` there opens a savepoint of it.
 *
 * Only knex's own surface is forwarded (calling the handle, its methods and properties); nothing of knex is
 * replaced.
 */
export function followingRequestTransaction(base: Knex): Knex {
  const client = base.client as object;
  const current = (): Knex => {
    const scope = scopes.getStore();
    return scope?.trx && scope.client === client ? scope.trx : base;
  };
  // The target is only the shape (a callable); every operation reads the current handle.
  const shape = (() => undefined) as unknown as Knex;
  const handle = new Proxy(shape, {
    apply: (_target, _this, args: unknown[]) => Reflect.apply(current() as unknown as (...a: unknown[]) => unknown, undefined, args),
    get: (_target, property) => {
      const handle = current();
      const value: unknown = Reflect.get(handle, property, handle);
      return typeof value === 'function' ? value.bind(handle) : value;
    },
    has: (_target, property) => Reflect.has(current(), property),
    set: (_target, property, value) => Reflect.set(current(), property, value),
  });
  baseClients.set(handle, client);
  return handle;
}

/** True when `db` is a transaction: a knex transaction, or a handle inside an open request transaction. */
export function inTransaction(db: Knex): boolean {
  return (db as { isTransaction?: boolean }).isTransaction === true;
}

/**
 * Runs `work` in one transaction that every query it makes through a handle of `db`
 * ({@link followingRequestTransaction}) joins: a store's own handle, a `transactional(...)` (then a
 * savepoint), prepared statements. All of it commits when `work` resolves, none of it when it throws. Work
 * that outlives `work` (a timer it started) uses the database on its own again. Used for a write with an
 * `Idempotency-Key`, so that its answer commits with its effect.
 *
 * The transaction holds one connection for as long as `work` runs (on SQLite the only one), and `work` is
 * not run again on a write conflict: that refusal is its answer.
 */
export function runInRequestTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  // Nested in another request transaction, `db.client` is that transaction's: the scope names the database's.
  const scope: Scope = { client: baseClients.get(db) ?? (db.client as object), trx: undefined };
  return db.transaction((trx) =>
    scopes.run(scope, async () => {
      scope.trx = trx;
      try {
        return await work(trx);
      } finally {
        scope.trx = undefined;
      }
    }),
  );
}
