/** A region's financing rules (政策参数); null means the region sets none and inherits. */
export interface PolicyRules {
  maxShareBp: number | null;
  maxAmountFen: number | null;
  maxRateBp: number | null;
  feesAllowed: boolean | null;
  decideDays: number | null;
  disburseDays: number | null;
}

/** The rules one region sets itself. */
export interface StoredPolicy {
  regionCode: string;
  rules: PolicyRules;
  updatedAt: number;
  updatedBy: string;
}

/** Persistence of regions' own policies. */
export interface PolicyStore {
  /** The policies these regions set themselves (absent: none). */
  getMany(regionCodes: readonly string[]): Promise<Map<string, StoredPolicy>>;
  save(p: StoredPolicy): Promise<void>;
}

/** No rule at all. */
export const NO_RULES: PolicyRules = { maxShareBp: null, maxAmountFen: null, maxRateBp: null, feesAllowed: null, decideDays: null, disburseDays: null };
