import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/** The parts of a knex client this module takes over while a request transaction is open. */
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  transaction(container: unknown, config: unknown, outerTx?: unknown): unknown;
}

/** One request's transaction: set while its work runs, cleared before it commits. */
interface Scope {
  client: object;
  trx: Knex.Transaction | undefined;
  connection: unknown;
}

const scopes = new AsyncLocalStorage<Scope>();
const boundClients = new WeakSet<object>();

function openScope(client: object): Scope | undefined {
  const scope = scopes.getStore();
  return scope && scope.client === client && scope.trx ? scope : undefined;
}

/**
 * Makes every query on `db` made inside an open request transaction run in it: the client hands out that
 * transaction's connection instead of the pool's, keeps it when released, and opens any transaction as a
 * savepoint of it. Stores and services keep the handle they were built with and need not know.
 */
function bindClient(db: Knex): void {
  const client = db.client as KnexClient;
  if (boundClients.has(client)) return;
  boundClients.add(client);
  const acquire = client.acquireConnection.bind(client);
  const release = client.releaseConnection.bind(client);
  const transaction = client.transaction.bind(client);
  client.acquireConnection = () => {
    const scope = openScope(client);
    return scope ? Promise.resolve(scope.connection) : acquire();
  };
  client.releaseConnection = (connection) => {
    const scope = openScope(client);
    return scope && connection === scope.connection ? Promise.resolve() : release(connection);
  };
  client.transaction = (container, config, outerTx) => {
    const scope = openScope(client);
    if (scope && !outerTx) return (scope.trx as unknown as { transaction(c: unknown, o: unknown): unknown }).transaction(container, config);
    return transaction(container, config, outerTx);
  };
}

/** True while a request transaction on `db` is open in this async context. */
export function inRequestTransaction(db: Knex): boolean {
  return openScope(db.client as object) !== undefined;
}

/**
 * Runs `work` in one transaction that every query on `db` it makes joins, however it reaches the database
 * (a store's own handle, a `transactional(...)` — then a savepoint —, prepared statements): all of it
 * commits when `work` resolves, none of it when it throws. Work that outlives `work` (a timer it started)
 * goes back to the pool. Used for a write with an `Idempotency-Key`, so that its answer commits with its effect.
 *
 * The transaction holds one connection for as long as `work` runs (on SQLite the only one), and `work` is
 * not run again on a write conflict: that refusal is its answer.
 */
export function runInRequestTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  bindClient(db);
  const scope: Scope = { client: db.client as object, trx: undefined, connection: undefined };
  return scopes.run(scope, () =>
    db.transaction(async (trx) => {
      scope.connection = await (trx.client as KnexClient).acquireConnection();
      scope.trx = trx;
      try {
        return await work(trx);
      } finally {
        scope.trx = undefined;
        scope.connection = undefined;
      }
    }),
  );
}
