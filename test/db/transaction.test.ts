import { describe, expect, it } from 'vitest';
import type { Knex } from '../../src/db/knex.js';
import { knexTransactional } from '../../src/db/transaction.js';
import { probeDatabase, testDatabaseKind } from '../helpers/db.js';

// knexTransactional: what a service's `transactional(stores => …)` runs on. On SQLite the calls of one turn share
// a commit; each must still behave as if it had a transaction of its own.

const database = probeDatabase('tx_probe');

/** A store of the probe table, bound to whatever handle it is given. */
const probe = (db: Knex) => ({
  insert: async (id: string, n: number) => {
    await db('tx_probe').insert({ id, n });
  },
  count: async () => Number(((await db('tx_probe').count({ n: '*' }).first()) as { n: number | string }).n),
});

describe(`knexTransactional on ${testDatabaseKind}`, () => {
  const transactional = () => knexTransactional(database.db, (trx) => ({ probe: probe(trx) }));

  it('commits each call before its promise settles, many calls at once', async () => {
    const tx = transactional();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        tx(async ({ probe }) => {
          await probe.insert(`ok${i}`, i);
          return i * 2;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    // Another connection (another instance) sees every row once the promises have settled.
    expect(Number(((await database.other('tx_probe').where('id', 'like', 'ok%').count({ n: '*' }).first()) as { n: number | string }).n)).toBe(40);
  });

  it('answers a failing call with its own error, rolls back only its writes, and commits the calls beside it', async () => {
    const tx = transactional();
    const calls = Array.from({ length: 10 }, (_, i) =>
      tx(async ({ probe }) => {
        await probe.insert(`mix${i}`, i);
        if (i === 4) throw new Error('refused 4');
        // A write that breaks a constraint, after a good one: the whole call goes, not only the statement.
        // It collides with the call's own row, so no other call's timing decides which of two collides.
        if (i === 7) await probe.insert('mix7', 7);
        return i;
      }),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[4] as PromiseRejectedResult).reason).toMatchObject({ message: 'refused 4' });
    const ids = ((await database.other('tx_probe').where('id', 'like', 'mix%').orderBy('n').pluck('id')) as string[]);
    expect(ids).toEqual(['mix0', 'mix1', 'mix2', 'mix3', 'mix5', 'mix6', 'mix8', 'mix9']);
  });

  it('gives every store of a call the same transaction: all of it or none of it', async () => {
    const tx = knexTransactional(database.db, (trx) => ({ a: probe(trx), b: probe(trx) }));
    await expect(
      tx(async ({ a, b }) => {
        await a.insert('both1', 1);
        await b.insert('both2', 2);
        expect(await b.count()).toBe((await a.count()));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await database.other('tx_probe').whereIn('id', ['both1', 'both2']).pluck('id')).toEqual([]);
  });
});
