import { NotFoundError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { Region, RegionQuery, RegionStore } from './regions-store.js';

/** A region with the chain of regions above it, nearest first. */
export interface RegionWithAncestors extends Region {
  ancestors: Region[];
}

/**
 * Reads the administrative tree. The tree is reference data: seeding writes it before the gateway serves, and
 * nothing changes it while it runs. So this service keeps every lineage and subtree it has read (at most one
 * per known region, about a hundred and twenty) and asks the store once for each; unknown codes, which anyone
 * can send, are never kept.
 */
export class RegionService {
  private readonly lineages = new Map<string, Promise<Region[]>>();
  private readonly subtrees = new Map<string, Promise<string[]>>();

  constructor(private readonly store: RegionStore) {}

  /** One page of regions and whether more follow. */
  list(query: RegionQuery): Promise<Page<Region>> {
    return readPage(query.limit, (limit) => this.store.list({ ...query, limit }));
  }

  async get(code: string): Promise<RegionWithAncestors> {
    const [region, ...ancestors] = await this.lineage(code);
    if (!region) throw new NotFoundError('region_not_found', `No region has the code ${code}.`);
    return { ...region, ancestors };
  }

  /** Codes of `root` and every region below it, sorted; empty for an unknown code. */
  subtreeCodes(root: string): Promise<string[]> {
    return remembered(this.subtrees, root, () => this.store.subtree(root));
  }

  /** Codes of `code` and every region above it. */
  async lineageCodes(code: string): Promise<string[]> {
    return (await this.lineage(code)).map((r) => r.code);
  }

  /** True when `code` is `root` or lies below it. */
  async isWithin(code: string, root: string): Promise<boolean> {
    return (await this.lineage(code)).some((r) => r.code === root);
  }

  /** `root` and every region below it; empty when `root` is unknown. */
  async subtree(root: string): Promise<Set<string>> {
    return new Set(await this.subtreeCodes(root));
  }

  /** The region and every region above it, the root last; empty for an unknown code. */
  private lineage(code: string): Promise<Region[]> {
    return remembered(this.lineages, code, () => this.store.lineage(code));
  }
}

/**
 * `read(key)` once per key: concurrent callers share the read in flight; an empty answer (an unknown code) or a
 * failure is forgotten, so neither junk input nor a passing database error stays in memory.
 */
function remembered<T extends unknown[]>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let entry = cache.get(key);
  if (!entry) {
    entry = read();
    cache.set(key, entry);
    entry.then(
      (value) => {
        if (value.length === 0) cache.delete(key);
      },
      () => cache.delete(key),
    );
  }
  return entry;
}
