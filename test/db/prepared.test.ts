import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparedStatements } from '../../src/db/prepared.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let statements: PreparedStatements;
beforeAll(async () => {
  database = await migratedDatabase();
  await database.db.schema.createTable('prepared_probe', (t) => {
    t.string('id', 16).primary();
    t.integer('n').notNullable();
    t.boolean('flag').notNullable();
    t.text('note').nullable();
  });
  statements = new PreparedStatements(database.db);
});
afterAll(async () => {
  await database?.dispose();
});

const insert = 'insert into prepared_probe (id, n, flag, note) values (?, ?, ?, ?)';
const byId = 'select id, n, note from prepared_probe where id = ?';

describe(`prepared statements on ${testDatabaseKind}`, () => {
  it('writes and reads back the rows its parameters name, however often a statement is reused', async () => {
    for (let i = 0; i < 30; i++) expect(await statements.run(insert, [`r${i}`, i, i % 2 === 0, i % 3 ? `note ${i}` : null])).toBe(1);
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => statements.get<{ id: string; n: number; note: string | null }>(byId, [`r${i}`])));
    reads.forEach((r, i) => expect(r).toEqual({ id: `r${i}`, n: i, note: i % 3 ? `note ${i}` : null }));
    expect(await statements.get(byId, ['missing'])).toBeUndefined();
  });

  it('agrees with knex on every row, booleans bound as the column stores them', async () => {
    const sql = 'select id, n from prepared_probe where flag = ? and n >= ? order by n';
    const viaKnex = await database.db('prepared_probe').select('id', 'n').where('flag', true).where('n', '>=', 10).orderBy('n');
    expect(await statements.all(sql, [true, 10])).toEqual(viaKnex);
    expect(viaKnex).toHaveLength(10);
  });

  it('gives rows as arrays in SELECT order, without disturbing the object form of the same SQL', async () => {
    const sql = 'select n, id from prepared_probe where n < ? order by n';
    expect(await statements.rows(sql, [3])).toEqual([[0, 'r0'], [1, 'r1'], [2, 'r2']]);
    expect(await statements.all(sql, [2])).toEqual([{ n: 0, id: 'r0' }, { n: 1, id: 'r1' }]);
    expect(await statements.rows(sql, [1])).toEqual([[0, 'r0']]);
  });

  it('counts the rows a write changed', async () => {
    expect(await statements.run('update prepared_probe set note = ? where n >= ?', ['late', 25])).toBe(5);
    expect(await statements.run('delete from prepared_probe where id = ?', ['missing'])).toBe(0);
  });

  it('runs on a transaction’s connection: sees its writes, and they go with a rollback', async () => {
    await expect(
      database.db.transaction(async (trx) => {
        const inTx = new PreparedStatements(trx);
        await inTx.run(insert, ['tx1', 100, false, null]);
        expect(await inTx.get(byId, ['tx1'])).toEqual({ id: 'tx1', n: 100, note: null });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await statements.get(byId, ['tx1'])).toBeUndefined();
  });

  it('does not run inside a knex transaction that holds the connection: it waits, and sees nothing uncommitted', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = database.db.transaction(async (trx) => {
      await trx('prepared_probe').insert({ id: 'held1', n: 400, flag: true, note: null });
      await held;
      throw new Error('roll back');
    });
    await new Promise((r) => setTimeout(r, 30));
    let settled = false;
    const read = statements.get(byId, ['held1']).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    // SQLite has one connection, so the read waits for it; PostgreSQL reads on another and sees nothing yet.
    if (testDatabaseKind === 'sqlite') expect(settled).toBe(false);
    release();
    await expect(tx).rejects.toThrow('roll back');
    expect(await read).toBeUndefined();
  });

  it('raises the database’s unique violation', async () => {
    await expect(statements.run(insert, ['r0', 0, true, null])).rejects.toSatisfy((err: { code?: string }) =>
      ['23505', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(err.code ?? ''),
    );
  });

  it.runIf(testDatabaseKind === 'sqlite')('rolls a synchronous transaction back when it throws (SQLite)', async () => {
    await expect(
      statements.transactionSync((s) => {
        s.run(insert, ['sync1', 200, true, null]);
        expect(s.get(byId, ['sync1'])).toEqual({ id: 'sync1', n: 200, note: null });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await statements.get(byId, ['sync1'])).toBeUndefined();
    expect(await statements.transactionSync((s) => s.run(insert, ['sync2', 201, true, null]))).toBe(1);
    expect(await statements.get(byId, ['sync2'])).toEqual({ id: 'sync2', n: 201, note: null });
  });

  it.runIf(testDatabaseKind === 'sqlite')('group-commits writes submitted together, a throwing one undone alone (SQLite)', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        statements.batched((s) => {
          s.run(insert, [`b${i}`, 300 + i, true, null]);
          if (i === 4) throw new Error('this one fails');
          return s.get<{ n: number }>(byId, [`b${i}`])!.n;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      300, 301, 302, 303, 'this one fails', 305, 306, 307, 308, 309,
    ]);
    const kept = await statements.all<{ id: string }>("select id from prepared_probe where id like 'b%' order by n");
    expect(kept.map((r) => r.id)).toEqual(['b0', 'b1', 'b2', 'b3', 'b5', 'b6', 'b7', 'b8', 'b9']);
  });

  it.runIf(testDatabaseKind === 'pg')('has no synchronous transactions on PostgreSQL', async () => {
    await expect(statements.transactionSync(() => 1)).rejects.toThrow(/SQLite only/);
    expect(() => statements.batched(() => 1)).toThrow(/SQLite only/);
  });
});
