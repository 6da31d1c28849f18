import type { Knex } from 'knex';
import { PreparedStatements } from '../../db/prepared.js';
import { epochSeconds, systemClock, type Clock } from '../../clock.js';
import type { JtiStore } from './jti-store.js';

// `expires_at` is stored in epoch milliseconds, as every time in the database; the interface speaks seconds, as JWTs do.
const INSERT_JTI = 'insert into used_jtis ("key", expires_at) values (?, ?)';

const uniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e.message ?? '');
};

/** `jti`s in the database: the primary key makes a second use fail atomically, across instances and restarts. */
export class KnexJtiStore implements JtiStore {
  private lastPrune = 0;
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock = systemClock,
  ) {
    this.statements = new PreparedStatements(db);
  }

  async use(key: string, expiresAt: number): Promise<boolean> {
    const now = epochSeconds(this.clock());
    if (now - this.lastPrune >= 60) {
      this.lastPrune = now;
      await this.prune(now);
    }
    if (this.statements.sqlite) {
      // Uses arriving together share one commit; the primary key still decides each one, inside the database.
      return this.statements.batched((s) => s.run(INSERT_JTI + ' on conflict ("key") do nothing', [key, expiresAt * 1000]) === 1);
    }
    try {
      await this.statements.run(INSERT_JTI, [key, expiresAt * 1000]);
      return true;
    } catch (err) {
      if (uniqueViolation(err)) return false;
      throw err;
    }
  }

  async prune(now: number): Promise<number> {
    return this.db('used_jtis').where('expires_at', '<', now * 1000).delete();
  }
}
