import { describe, expect, it } from 'vitest';
import { isPostgres, type Knex } from '../../src/db/knex.js';
import { PreparedStatements } from '../../src/db/prepared.js';
import { runInRequestTransaction } from '../../src/db/request-transaction.js';
import { knexTransactional } from '../../src/db/transaction.js';
import { probeDatabase, testDatabaseKind } from '../helpers/db.js';

// A write with an Idempotency-Key runs in one request transaction that every store joins through the handle it
// was built with (createDb's handle). These check what that promises, on the handle alone.

const database = probeDatabase('rt_probe');

const ids = async (db: Knex) => (await db('rt_probe').select('id').orderBy('id')).map((r: { id: string }) => r.id);
const insertSql = 'insert into rt_probe (id, n) values (?, ?)';

describe(`the request transaction on ${testDatabaseKind}`, () => {
  it('takes in the store handle, a transactional and prepared statements, and commits them together', async () => {
    const db = database.db;
    const statements = new PreparedStatements(db);
    const transactional = knexTransactional(db, (trx) => ({ insert: (id: string) => trx('rt_probe').insert({ id, n: 1 }) }));
    let seenInside: string[] = [];
    await runInRequestTransaction(db, async () => {
      await db('rt_probe').insert({ id: 'a1', n: 1 });
      await transactional((s) => s.insert('a2'));
      if (statements.sqlite) await statements.batched((s) => s.run(insertSql, ['a3', 1]));
      else await statements.run(insertSql, ['a3', 1]);
      seenInside = await ids(db);
      // Not committed yet: a second connection to the same database does not see it.
      if (isPostgres(db)) expect(await ids(database.other)).toEqual([]);
    });
    expect(seenInside).toEqual(['a1', 'a2', 'a3']);
    expect(await ids(database.other)).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps none of it when the work throws, whichever way each write came', async () => {
    const db = database.db;
    const statements = new PreparedStatements(db);
    const transactional = knexTransactional(db, (trx) => ({ insert: (id: string) => trx('rt_probe').insert({ id, n: 2 }) }));
    await expect(
      runInRequestTransaction(db, async () => {
        await db('rt_probe').insert({ id: 'b1', n: 2 });
        await transactional((s) => s.insert('b2'));
        await statements.run(insertSql, ['b3', 2]);
        throw new Error('the answer could not be built');
      }),
    ).rejects.toThrow('the answer could not be built');
    expect(await ids(db)).toEqual(['a1', 'a2', 'a3']);
  });

  it('leaves another database and work that outlives the request on their own', async () => {
    const db = database.db;
    let later: Promise<void> | undefined;
    await expect(
      runInRequestTransaction(db, async () => {
        expect((db as { isTransaction?: boolean }).isTransaction).toBe(true);
        expect((database.other as { isTransaction?: boolean }).isTransaction).not.toBe(true);
        // Started inside, run after the request's end: it is not rolled back with the request.
        later = new Promise((resolve, reject) => setTimeout(() => void db('rt_probe').insert({ id: 'c2', n: 3 }).then(() => resolve(), reject), 20));
        await db('rt_probe').insert({ id: 'c1', n: 3 });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await later;
    expect((db as { isTransaction?: boolean }).isTransaction).not.toBe(true);
    expect(await ids(db)).toEqual(['a1', 'a2', 'a3', 'c2']);
  });

  it('nests: a request transaction inside another is a savepoint of it, which the stores still join', async () => {
    const db = database.db;
    await expect(
      runInRequestTransaction(db, async () => {
        await db('rt_probe').insert({ id: 'e1', n: 5 });
        await runInRequestTransaction(db, async () => {
          await db('rt_probe').insert({ id: 'e2', n: 5 });
          expect(await ids(db)).toContain('e1');
        });
        throw new Error('the outer refused');
      }),
    ).rejects.toThrow('the outer refused');
    expect((await ids(db)).filter((id) => id.startsWith('e'))).toEqual([]);
  }, 10_000);

  it('runs no prepared statement inside a knex transaction open on the connection (SQLite)', async () => {
    const db = database.db;
    const statements = new PreparedStatements(db);
    if (!statements.sqlite) return;
    // A knex transaction holds SQLite's one connection across its awaits; a prepared write made meanwhile
    // from outside it must wait and commit on its own, not land in (and roll back with) that transaction.
    let outside: Promise<number> | undefined;
    await expect(
      db.transaction(async (trx) => {
        await trx('rt_probe').insert({ id: 'd1', n: 4 });
        outside = statements.run(insertSql, ['d2', 4]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await outside).toBe(1);
    expect(await ids(db)).toEqual(['a1', 'a2', 'a3', 'c2', 'd2']);
  });
});
