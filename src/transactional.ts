/**
 * Runs `work` in one database transaction with stores bound to it: all of it commits when `work` resolves,
 * none of it when it throws. Services see only this and their store interfaces, never the database handle.
 * `work` may be run again from the start (a retry of a transaction the database refused to serialise), so it
 * must act only through the stores it is given and must not keep what an earlier run of it computed.
 */
export type Transactional<S> = <T>(work: (stores: S) => Promise<T>) => Promise<T>;
