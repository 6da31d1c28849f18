import { describe, expect, it } from 'vitest';
import { DatabaseBusyError, isWriteConflict, retryOnWriteConflict, WRITE_CONFLICT_RETRY } from '../../src/db/transaction-retry.js';

const coded = (code: string) => Object.assign(new Error(`failed: ${code}`), { code });

/** A retry run with a recording clock: no real waiting. */
function recorded(random = () => 0.5) {
  const waits: number[] = [];
  return { waits, options: { sleep: async (ms: number) => void waits.push(ms), random } };
}

describe('retryOnWriteConflict', () => {
  it('answers with the first attempt when nothing is in the way', async () => {
    const { waits, options } = recorded();
    let calls = 0;
    expect(await retryOnWriteConflict(async () => ++calls, options)).toBe(1);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', '40001', '40P01'])(
    'runs again after %s and answers with the attempt that got through',
    async (code) => {
      const { waits, options } = recorded();
      const seen: number[] = [];
      const value = await retryOnWriteConflict(async (n) => {
        seen.push(n);
        if (n < 3) throw coded(code);
        return `done at ${n}`;
      }, options);
      expect(value).toBe('done at 3');
      expect(seen).toEqual([1, 2, 3]);
      expect(waits).toHaveLength(2);
    },
  );

  it.each([
    ['a unique violation on SQLite', coded('SQLITE_CONSTRAINT_UNIQUE')],
    ['a unique violation on PostgreSQL', coded('23505')],
    ['a lock inside one connection (not another writer)', coded('SQLITE_LOCKED')],
    ['a lock wait that gave up on PostgreSQL', coded('55P03')],
    ['a bug', new TypeError('x is undefined')],
    ['an error without a code', new Error('database is locked')],
  ])('throws %s at once, without a second attempt', async (_what, err) => {
    const { waits, options } = recorded();
    let calls = 0;
    await expect(
      retryOnWriteConflict(async () => {
        calls++;
        throw err;
      }, options),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('gives up after the bound: a 503 database_busy that carries the last conflict and asks to retry', async () => {
    const { waits, options } = recorded();
    let calls = 0;
    let last: Error | undefined;
    const failure = await retryOnWriteConflict(async () => {
      calls++;
      throw (last = coded('SQLITE_BUSY'));
    }, options).catch((e: unknown) => e);
    expect(calls).toBe(WRITE_CONFLICT_RETRY.attempts);
    expect(waits).toHaveLength(WRITE_CONFLICT_RETRY.attempts - 1);
    expect(failure).toBeInstanceOf(DatabaseBusyError);
    const busy = failure as DatabaseBusyError;
    expect(busy).toMatchObject({ status: 503, code: 'database_busy', attempts: WRITE_CONFLICT_RETRY.attempts });
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.cause).toBe(last);
    // A gateway-wide bound is not an outer retry's business: the 503 is not a conflict to run again.
    expect(isWriteConflict(busy)).toBe(false);
  });

  it('honours a smaller bound', async () => {
    const { options } = recorded();
    let calls = 0;
    await expect(retryOnWriteConflict(async () => {
      calls++;
      throw coded('40P01');
    }, { ...options, attempts: 3 })).rejects.toBeInstanceOf(DatabaseBusyError);
    expect(calls).toBe(3);
  });

  it('waits exponentially longer, capped, each wait jittered within its upper half', async () => {
    const always = (random: () => number) => {
      const r = recorded(random);
      return retryOnWriteConflict(async () => {
        throw coded('SQLITE_BUSY_SNAPSHOT');
      }, { ...r.options, attempts: 8, baseDelayMs: 20, maxDelayMs: 500 }).catch(() => r.waits);
    };
    expect(await always(() => 0)).toEqual([10, 20, 40, 80, 160, 250, 250]);
    expect(await always(() => 0.999999)).toEqual([20, 40, 80, 160, 320, 500, 500]);
    const random = await always(Math.random);
    const ceilings = [20, 40, 80, 160, 320, 500, 500];
    random.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(w).toBeLessThanOrEqual(ceilings[i]!);
    });
  });

  it('waits on a real timer by default, about two to four seconds in all before giving up', async () => {
    const total: number[] = [];
    await retryOnWriteConflict(async () => {
      throw coded('SQLITE_BUSY');
    }, { sleep: async (ms) => void total.push(ms), random: () => 0 }).catch(() => undefined);
    const least = total.reduce((a, b) => a + b, 0);
    expect(least).toBeGreaterThanOrEqual(2_000);
    expect(least).toBeLessThanOrEqual(4_300);
    const started = Date.now();
    await retryOnWriteConflict(async (n) => {
      if (n === 1) throw coded('SQLITE_BUSY');
      return n;
    }, { baseDelayMs: 40 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
  });

  it('tells each retry before waiting', async () => {
    const { options } = recorded(() => 0);
    const told: [string, number, number][] = [];
    await retryOnWriteConflict(async (n) => {
      if (n < 3) throw coded('40001');
      return n;
    }, { ...options, onRetry: (err, n, ms) => told.push([(err as { code: string }).code, n, ms]) });
    expect(told).toEqual([['40001', 1, 10], ['40001', 2, 20]]);
  });
});
