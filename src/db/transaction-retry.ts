import type { Knex } from 'knex';
import { DomainError } from '../errors.js';

// Taken at load: a test that fakes timers must not stall every retried write behind a fake clock.
const realSetTimeout = setTimeout;

/** How often and how patiently a write that met another writer is tried again. */
export interface RetryPolicy {
  /** Most attempts in all, the first one included. */
  attempts: number;
  /** Wait before the second attempt; it doubles with each attempt up to {@link RetryPolicy.maxDelayMs}. */
  baseDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
}

/**
 * The gateway's policy: ten attempts, waits of 20 ms doubling to at most 1 s, each jittered down by up to
 * half so that writers that collided do not collide again in step. About 2–4 s of waiting in all: longer than
 * any one transaction of the CLI or a sync page holds SQLite's write lock.
 */
export const WRITE_CONFLICT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 10, baseDelayMs: 20, maxDelayMs: 1_000 });

/** Options of {@link retryOnWriteConflict} and {@link withTransactionRetry}; tests replace the clock and the dice. */
export interface RetryOptions extends Partial<RetryPolicy> {
  /** Waits `ms`; a real timer unless given. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); Math.random unless given. */
  random?: () => number;
  /** Told before each wait: the error met, the attempt that met it (1-based) and the wait that follows. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

// SQLITE_BUSY and its extended codes (_SNAPSHOT: a read transaction cannot become a write one because another
// connection committed since it began; _RECOVERY, _TIMEOUT); PostgreSQL's serialization_failure and
// deadlock_detected. Each means only that another writer was there: the transaction was rolled back whole.
const SQLITE_BUSY = /^SQLITE_BUSY(_[A-Z]+)?$/;
const PG_RETRYABLE = new Set(['40001', '40P01']);

/** True when `err` says only that another writer was there (SQLite busy, PostgreSQL serialization failure or deadlock). */
export function isWriteConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (SQLITE_BUSY.test(code) || PG_RETRYABLE.has(code));
}

/** 503: a write kept meeting other writers for longer than the retry policy waits; the client may try again. */
export class DatabaseBusyError extends DomainError {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(503, 'database_busy', 'The database is busy with other writes; try again shortly.', {}, { 'retry-after': '1' });
    this.cause = cause;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/**
 * Runs `attempt` and runs it again, after a jittered exponential wait, while it fails with a write conflict
 * ({@link isWriteConflict}), at most `attempts` times in all; then throws {@link DatabaseBusyError} carrying
 * the last conflict as its `cause`. Any other error is thrown at once. `attempt` must leave nothing behind when
 * it fails — one whole transaction that the database rolled back.
 */
export async function retryOnWriteConflict<T>(attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? WRITE_CONFLICT_RETRY.attempts);
  const base = options.baseDelayMs ?? WRITE_CONFLICT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? WRITE_CONFLICT_RETRY.maxDelayMs;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isWriteConflict(err)) throw err;
      if (n >= attempts) throw new DatabaseBusyError(n, err);
      const ceiling = Math.min(max, base * 2 ** (n - 1));
      const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
      options.onRetry?.(err, n, delay);
      await sleep(delay);
    }
  }
}

/**
 * `db.transaction(fn)`, run again whole when it meets another writer (see {@link retryOnWriteConflict}).
 * `fn` may therefore run more than once: it must do nothing outside the database that cannot be repeated.
 * When `db` is already a transaction, `fn` runs once in a savepoint of it, and a conflict goes up to the
 * outermost transaction, which is the one to run again.
 */
export function withTransactionRetry<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  if ((db as { isTransaction?: boolean }).isTransaction) return db.transaction(fn);
  return retryOnWriteConflict(() => db.transaction(fn), options);
}
