import { NotFoundError } from '../../errors.js';
import type { Region, RegionQuery, RegionStore } from './regions-store.js';

/** A region with the chain of regions above it, nearest first. */
export interface RegionWithAncestors extends Region {
  ancestors: Region[];
}

/** Reads the administrative tree. */
export class RegionService {
  constructor(private readonly store: RegionStore) {}

  /** One page of regions and whether more follow. */
  async list(query: RegionQuery): Promise<{ items: Region[]; more: boolean }> {
    const rows = await this.store.list({ ...query, limit: query.limit + 1 });
    return { items: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  async get(code: string): Promise<RegionWithAncestors> {
    const [region, ...ancestors] = await this.store.lineage(code);
    if (!region) throw new NotFoundError('region_not_found', `No region has the code ${code}.`);
    return { ...region, ancestors };
  }

  /** True when `code` is `root` or lies below it. */
  async isWithin(code: string, root: string): Promise<boolean> {
    const lineage = await this.store.lineage(code);
    return lineage.some((r) => r.code === root);
  }

  /** `root` and every region below it; empty when `root` is unknown. */
  async subtree(root: string): Promise<Set<string>> {
    const out = new Set<string>();
    if (!(await this.store.get(root))) return out;
    const queue = [root];
    while (queue.length) {
      const code = queue.shift()!;
      out.add(code);
      for (const child of await this.store.list({ parent: code, limit: 10_000 })) queue.push(child.code);
    }
    return out;
  }
}
