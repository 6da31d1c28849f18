import { innerMongoliaRegions } from '../../seeds/regions.js';
import type { Region, RegionQuery, RegionStore } from '../../src/features/regions/regions-store.js';

/** The regions of Inner Mongolia (GB/T 2260) in memory. */
export class FakeRegionStore implements RegionStore {
  private readonly regions = new Map<string, Region>(
    innerMongoliaRegions().map((r) => [r.code, { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code }]),
  );

  async get(code: string): Promise<Region | undefined> {
    return this.regions.get(code);
  }

  async list(q: RegionQuery): Promise<Region[]> {
    return [...this.regions.values()]
      .filter((r) => (q.parent === undefined || r.parentCode === q.parent) && (q.level === undefined || r.level === q.level))
      .filter((r) => q.afterCode === undefined || r.code > q.afterCode)
      .sort((a, b) => a.code.localeCompare(b.code))
      .slice(0, q.limit);
  }

  async lineage(code: string): Promise<Region[]> {
    const out: Region[] = [];
    for (let r = this.regions.get(code); r; r = r.parentCode ? this.regions.get(r.parentCode) : undefined) out.push(r);
    return out;
  }

  async subtree(code: string): Promise<string[]> {
    if (!this.regions.has(code)) return [];
    const within = (r: Region): boolean => r.code === code || (r.parentCode !== null && within(this.regions.get(r.parentCode)!));
    return [...this.regions.values()].filter(within).map((r) => r.code).sort();
  }
}
