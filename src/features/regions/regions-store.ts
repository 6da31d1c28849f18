import type { RegionLevel } from '../../../seeds/regions.js';

/** A region as the domain sees it. */
export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

/** Filter and cursor for listing regions. */
export interface RegionQuery {
  parent?: string;
  level?: RegionLevel;
  afterCode?: string;
  limit: number;
}

/** Persistence of regions. */
export interface RegionStore {
  get(code: string): Promise<Region | undefined>;
  list(query: RegionQuery): Promise<Region[]>;
  /** The region and every region above it, the root last. */
  lineage(code: string): Promise<Region[]>;
  /** Codes of the region and every region below it. */
  subtree(code: string): Promise<string[]>;
}
