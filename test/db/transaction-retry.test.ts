import { beforeEach, describe, expect, it } from 'vitest';
import { PreparedStatements } from '../../src/db/prepared.js';
import { DatabaseBusyError, withTransactionRetry } from '../../src/db/transaction-retry.js';
import { probeDatabase, testDatabaseKind } from '../helpers/db.js';

const database = probeDatabase('retry_probe');
beforeEach(async () => {
  await database.db('retry_probe').delete();
  await database.db('retry_probe').insert([{ id: 'a', n: 0 }, { id: 'b', n: 0 }]);
});

const n = async (id: string) => Number((await database.db('retry_probe').where({ id }).first()).n);

describe(`transactions that meet another writer on ${testDatabaseKind}`, () => {
  it.runIf(testDatabaseKind === 'sqlite')('runs a transaction again whole when another connection committed after it read (SQLite)', async () => {
    let attempts = 0;
    const result = await withTransactionRetry(database.db, async (trx) => {
      attempts++;
      const row = await trx('retry_probe').where({ id: 'a' }).first();
      // The other writer commits after this transaction's snapshot: its write cannot become one (SQLITE_BUSY_SNAPSHOT).
      if (attempts === 1) await database.other('retry_probe').where({ id: 'a' }).update({ n: 100 });
      await trx('retry_probe').where({ id: 'a' }).update({ n: Number(row.n) + 1 });
      return Number(row.n) + 1;
    });
    expect(attempts).toBe(2);
    expect(result).toBe(101);
    expect(await n('a')).toBe(101);
  });

  it.runIf(testDatabaseKind === 'sqlite')('without the retry the same interleaving fails with SQLITE_BUSY (SQLite)', async () => {
    const failed = await database.db
      .transaction(async (trx) => {
        await trx('retry_probe').where({ id: 'a' }).first();
        await database.other('retry_probe').where({ id: 'a' }).update({ n: 100 });
        await trx('retry_probe').where({ id: 'a' }).update({ n: 1 });
      })
      .catch((e: { code?: string }) => e.code);
    expect(failed).toMatch(/^SQLITE_BUSY/);
    expect(await n('a')).toBe(100);
  });

  it.runIf(testDatabaseKind === 'pg')('runs the loser of a deadlock again, and both writes land (PostgreSQL)', async () => {
    let locked = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((r) => (bothLocked = r));
    const attempts = { ab: 0, ba: 0 };
    const crosswise = (first: 'a' | 'b', second: 'a' | 'b', key: 'ab' | 'ba') =>
      withTransactionRetry(database.db, async (trx) => {
        attempts[key]++;
        await trx('retry_probe').where({ id: first }).increment('n', 1);
        if (attempts[key] === 1) {
          if (++locked === 2) bothLocked();
          await barrier;
        }
        await trx('retry_probe').where({ id: second }).increment('n', 10);
      });
    await Promise.all([crosswise('a', 'b', 'ab'), crosswise('b', 'a', 'ba')]);
    expect(attempts.ab + attempts.ba).toBe(3);
    expect(await n('a')).toBe(11);
    expect(await n('b')).toBe(11);
  }, 15_000);

  it('lets a nested transaction’s conflict go up to the outermost one, which runs again whole', async () => {
    let outer = 0;
    let inner = 0;
    await withTransactionRetry(database.db, async (trx) => {
      outer++;
      await trx('retry_probe').where({ id: 'a' }).increment('n', 1);
      await withTransactionRetry(trx, async (nested) => {
        inner++;
        if (outer === 1) throw Object.assign(new Error('conflict'), { code: testDatabaseKind === 'pg' ? '40001' : 'SQLITE_BUSY' });
        await nested('retry_probe').where({ id: 'b' }).increment('n', 1);
      });
    });
    expect({ outer, inner }).toEqual({ outer: 2, inner: 2 });
    expect(await n('a')).toBe(1);
    expect(await n('b')).toBe(1);
  });

  it('leaves nothing behind when it gives up', async () => {
    const failure = await withTransactionRetry(
      database.db,
      async (trx) => {
        await trx('retry_probe').where({ id: 'a' }).increment('n', 1);
        throw Object.assign(new Error('conflict'), { code: testDatabaseKind === 'pg' ? '40P01' : 'SQLITE_BUSY' });
      },
      { attempts: 3, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseBusyError);
    expect(await n('a')).toBe(0);
  });
});

describe.runIf(testDatabaseKind === 'sqlite')('a group commit that meets another writer (SQLite)', () => {
  it('is run again whole once the writer is gone; each write answers once, with its own outcome', async () => {
    const statements = new PreparedStatements(database.db);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // No waiting inside SQLite: BEGIN IMMEDIATE fails at once while the other connection holds the write lock.
    await database.db.raw('pragma busy_timeout = 0');
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let holds!: () => void;
      const held = new Promise<void>((r) => (holds = r));
      const holding = database.other.transaction(async (hold) => {
        await hold('retry_probe').where({ id: 'b' }).update({ n: 7 });
        holds();
        await released;
      });
      await held;

      let runs = 0;
      const writes = [1, 2, 3].map((k) =>
        statements.batched((s) => {
          runs++;
          if (k === 2) throw new Error('refused alone');
          return s.run('update retry_probe set n = n + ? where id = ?', [k, 'a']);
        }),
      );
      const answers: string[] = [];
      writes.forEach((w, i) => w.then((v) => answers.push(`${i} ok ${v}`), (e: Error) => answers.push(`${i} failed ${e.message}`)));
      await sleep(150);
      // Every attempt so far met the lock before running anything, and nobody was answered.
      expect(runs).toBe(0);
      expect(answers).toEqual([]);

      release();
      await holding;
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([1, 'refused alone', 1]);
      expect(runs).toBe(3);
      expect(await n('a')).toBe(4);
      expect(await n('b')).toBe(7);
      await sleep(10);
      expect(answers.sort()).toEqual(['0 ok 1', '1 failed refused alone', '2 ok 1']);
    } finally {
      await database.db.raw('pragma busy_timeout = 5000');
    }
  });
});
