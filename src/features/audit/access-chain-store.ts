import type { components } from '../../generated/openapi.js';

/** One bank read of a consented part of a contract's data. */
export interface AccessRecord {
  at: number;
  institutionId: string;
  applicationId: string;
  contractNo: string;
  supplierUscc: string;
  purchaserRegionCode: string;
  part: components['schemas']['ConsentPart'];
  consentExpiresAt: number;
}

/** A read as the chain keeps it: its sequence number and its link to the entry before. */
export interface ChainEntry extends AccessRecord {
  id: number;
  prevHash: string;
  hash: string;
}

/** The last entry of the chain: the one the next entry links to. */
export interface ChainHead {
  lastId: number;
  lastHash: string;
}

/** Whose entries to list: an SME's, or those of contracts purchased in some regions. */
export type ChainOwner = { supplierUscc: string } | { regionCodes: readonly string[] };

/** Persistence of the hash-chained data-access log. */
export interface AccessChainStore {
  /** Appends the entry `next` builds from the head, atomically with moving the head to it. */
  append(next: (head: ChainHead) => ChainEntry): Promise<ChainEntry>;
  /** An owner's entries, newest first, before the cursor id. */
  list(owner: ChainOwner, q: { beforeId?: number | undefined; limit: number }): Promise<ChainEntry[]>;
  /** Every entry in id order after `afterId` (for verification). */
  walk(afterId: number, limit: number): Promise<ChainEntry[]>;
}
