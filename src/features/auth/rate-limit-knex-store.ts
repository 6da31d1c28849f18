import type { Knex } from 'knex';
import { isPostgres } from '../../db/knex.js';
import { PreparedStatements } from '../../db/prepared.js';
import { systemClock, type Clock } from '../../clock.js';
import type { LimitVerdict, Limiter } from './shared-rate-limit.js';

// One statement per request: refill the bucket for the time since its last request, take a token if one is there.
// A refused request takes nothing. `ok` says which happened; `tokens` what is left.
const REFILL = 'least(cast(? as double precision), b.tokens + (excluded.at - b.at) * cast(? as double precision))';
const TAKE = `insert into rate_limit_buckets as b (bucket, tokens, taken, at) values (?, cast(? as double precision), 1, ?)
  on conflict (bucket) do update set
    tokens = case when ${REFILL} >= 1 then ${REFILL} - 1 else ${REFILL} end,
    taken = case when ${REFILL} >= 1 then 1 else 0 end,
    at = excluded.at
  returning tokens, taken`;

/** The limiter for this database: shared buckets on PostgreSQL, `memory` (one process) on SQLite. */
export function sharedLimiter(db: Knex, name: string, capacity: number, periodMs: number, clock: Clock, memory: () => Limiter): Limiter {
  return isPostgres(db) ? new DatabaseTokenBuckets(db, name, capacity, periodMs, clock) : memory();
}

/**
 * Token buckets in PostgreSQL's `rate_limit_buckets`, so that N instances together allow what one would: `capacity`
 * requests at once, refilled evenly over `periodMs`. Buckets untouched for two periods are full again and are
 * dropped now and then, which keeps a flood of addresses from growing the table.
 */
export class DatabaseTokenBuckets implements Limiter {
  private readonly statements: PreparedStatements;
  private takes = 0;

  constructor(
    private readonly db: Knex,
    private readonly name: string,
    private readonly capacity: number,
    private readonly periodMs: number = 60_000,
    private readonly clock: Clock = systemClock,
  ) {
    this.statements = new PreparedStatements(db);
  }

  async take(key: string): Promise<LimitVerdict> {
    const now = this.clock().getTime();
    const perMs = this.capacity / this.periodMs;
    const c = this.capacity;
    const refill = [c, perMs];
    const row = await this.statements.get<{ tokens: number | string; taken: number | string }>(TAKE, [
      `${this.name}:${key}`.slice(0, 300),
      c - 1,
      now,
      ...refill,
      ...refill,
      ...refill,
      ...refill,
    ]);
    if (++this.takes % 1000 === 0) void this.prune(now).catch(() => undefined);
    if (Number(row!.taken) === 1) return { ok: true };
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - Number(row!.tokens)) / perMs / 1000)) };
  }

  private async prune(now: number): Promise<void> {
    await this.db('rate_limit_buckets').where('at', '<', now - 2 * this.periodMs).delete();
  }
}
