import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseTokenBuckets, sharedLimiter } from '../../src/features/auth/rate-limit-knex-store.js';
import { TokenBucketLimiter } from '../../src/features/public/token-bucket.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeAll(async () => {
  database = await migratedDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

describe(`rate limits every instance shares on ${testDatabaseKind}`, () => {
  it.runIf(testDatabaseKind === 'pg')('lets three instances together allow what one would, and refills for all of them', async () => {
    let now = 1_790_000_000_000;
    const clock = () => new Date(now);
    const instances = [0, 1, 2].map(() => new DatabaseTokenBuckets(database.db, 'test', 6, 60_000, clock));
    const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => instances[i % 3]!.take('client-a')));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(6);
    expect(verdicts.find((v) => !v.ok)).toEqual({ ok: false, retryAfterS: 10 });
    // Another key has its own budget.
    expect(await instances[0]!.take('client-b')).toEqual({ ok: true });
    // Refused requests took nothing: 10 s later (one token's worth) exactly one more goes through.
    now += 10_000;
    expect((await instances[1]!.take('client-a')).ok).toBe(true);
    expect((await instances[2]!.take('client-a')).ok).toBe(false);
    now += 60_000;
    const after = await Promise.all(Array.from({ length: 7 }, (_, i) => instances[i % 3]!.take('client-a')));
    expect(after.filter((v) => v.ok)).toHaveLength(6);
  });

  it('keeps the limit in memory on SQLite, where one process serves', () => {
    const limiter = sharedLimiter(database.db, 'test', 6, 60_000, () => new Date(), () => new TokenBucketLimiter(6));
    expect(limiter instanceof DatabaseTokenBuckets).toBe(testDatabaseKind === 'pg');
  });
});
