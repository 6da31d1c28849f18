import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A throwaway database for one part of a bench run. */
export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  /** What DATABASE_URL is set to. */
  url: string;
  /** Removes it. */
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary directory, or a fresh database on the PostgreSQL server `pgUrl`. */
export async function createBenchDatabase(kind: 'sqlite' | 'postgres', pgUrl: string, label: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `zcd-bench-${label}-`));
    return {
      kind,
      url: `sqlite:${join(dir, 'bench.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `zcd_bench_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    kind,
    url: `${pgUrl}/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: `${pgUrl}/postgres` });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
