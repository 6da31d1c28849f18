import type { Knex } from 'knex';
import type { RegionLevel } from '../../../seeds/regions.js';
import type { Region, RegionQuery, RegionStore } from './regions-store.js';

/** A row of `regions`. */
export interface RegionRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
}

/** A `regions` row as a domain region. */
export const toRegion = (r: RegionRow): Region => ({
  code: r.code,
  name: r.name,
  level: r.level as RegionLevel,
  parentCode: r.parent_code,
});

/** Regions in SQLite or PostgreSQL. */
export class KnexRegionStore implements RegionStore {
  constructor(private readonly db: Knex) {}

  async get(code: string): Promise<Region | undefined> {
    const row = await this.db<RegionRow>('regions').where({ code }).first();
    return row ? toRegion(row) : undefined;
  }

  async list(q: RegionQuery): Promise<Region[]> {
    const query = this.db<RegionRow>('regions').select('*').orderBy('code').limit(q.limit);
    if (q.parent !== undefined) query.where('parent_code', q.parent);
    if (q.level !== undefined) query.where('level', q.level);
    if (q.afterCode !== undefined) query.where('code', '>', q.afterCode);
    return (await query).map(toRegion);
  }

  async subtree(code: string): Promise<string[]> {
    const children = this.db('regions').select('code').where('parent_code', code);
    const rows = await this.db<RegionRow>('regions')
      .select('code')
      .where('code', code)
      .orWhere('parent_code', code)
      .orWhereIn('parent_code', children);
    return rows.map((r) => r.code).sort();
  }

  async lineage(code: string): Promise<Region[]> {
    // Three levels at most: a short loop is clearer than a recursive CTE.
    const out: Region[] = [];
    let next: string | null = code;
    while (next !== null && out.length < 8) {
      const region = await this.get(next);
      if (!region) break;
      out.push(region);
      next = region.parentCode;
    }
    return out;
  }
}
