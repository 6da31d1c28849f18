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

  /** Codes of `root` and every region below it, sorted; empty for an unknown code. */
  subtreeCodes(root: string): Promise<string[]> {
    return this.store.subtree(root);
  }

  /** Codes of `code` and every region above it. */
  async lineageCodes(code: string): Promise<string[]> {
    return (await this.store.lineage(code)).map((r) => r.code);
  }

  /** True when `code` is `root` or lies below it. */
  async isWithin(code: string, root: string): Promise<boolean> {
    const lineage = await this.store.lineage(code);
    return lineage.some((r) => r.code === root);
  }

  /** `root` and every region below it; empty when `root` is unknown. */
  async subtree(root: string): Promise<Set<string>> {
    return new Set(await this.store.subtree(root));
  }
}
