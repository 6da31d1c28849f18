import type { components } from '../../generated/openapi.js';
import type { TreeNode } from './merkle.js';

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

/** A read as the log keeps it: its id, and once sequenced its leaf in the tree. */
export interface AccessLogEntry extends AccessRecord {
  id: number;
  /** The hash the former chain gave the entry; null for entries appended since the tree. */
  chainHash: string | null;
  leafIndex: number | null;
  /** Hex SHA-256 leaf hash (RFC 9162 §2.1.1), null until sequenced. */
  leafHash: string | null;
}

/** An administrative action as `admin_audit` keeps it (before/after as stored JSON text). */
export interface AdminAuditRow {
  id: number;
  at: number;
  actor: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

/** The entry behind a leaf. */
export type AuditSource = { kind: 'data_access'; entry: AccessLogEntry } | { kind: 'admin'; entry: AdminAuditRow };

/** A published tree head: size, hex root hash, when, and the gateway's JWS over them. */
export interface StoredHead {
  treeSize: number;
  rootHash: string;
  at: number;
  signature: string;
}

/** Whose reads to list: an SME's, or those of contracts purchased in some regions. */
export type AccessOwner = { supplierUscc: string } | { regionCodes: readonly string[] };

/** One leaf as verification walks them: what the tree stored and the entry it stands for (if still there). */
export interface WalkedLeaf {
  leafIndex: number;
  storedHash: Buffer | undefined;
  source: AuditSource | undefined;
}

/** What the sequencer may do while it alone holds the tree. */
export interface SequencerSession {
  /** Leaves in the tree. */
  size(): Promise<number>;
  /** Entries without a leaf yet, data-access first, each kind in id order. */
  unsequenced(limit: number): Promise<AuditSource[]>;
  nodes(keys: readonly { level: number; index: number }[]): Promise<Map<string, Buffer>>;
  /** Adds the leaves (from `size` on) and the subtrees they complete, atomically. */
  commit(p: { size: number; sources: readonly AuditSource[]; nodes: readonly TreeNode[] }): Promise<void>;
}

/** Persistence of the audit log and its Merkle tree. */
export interface AuditStore {
  /** Appends a read; touches no earlier row. */
  appendAccess(record: AccessRecord): Promise<void>;
  /** An owner's reads, newest first, before the cursor id. */
  listAccess(owner: AccessOwner, q: { beforeId?: number | undefined; limit: number }): Promise<AccessLogEntry[]>;
  /** The entry at a leaf, undefined when there is no such leaf. */
  leaf(index: number): Promise<{ source: AuditSource | undefined } | undefined>;
  /** Stored perfect subtrees by `level/index`. */
  nodes(keys: readonly { level: number; index: number }[]): Promise<Map<string, Buffer>>;
  latestHead(): Promise<StoredHead | undefined>;
  /** Publishes a head; a head of the same size already there stays (both sign the same root). */
  addHead(head: StoredHead): Promise<void>;
  head(treeSize: number): Promise<StoredHead | undefined>;
  /** Published heads in size order, after `afterSize`. */
  heads(afterSize: number, limit: number): Promise<StoredHead[]>;
  /** Leaves in index order after `afterIndex`. */
  walk(afterIndex: number, limit: number): Promise<WalkedLeaf[]>;
  /** Runs `work` as the one sequencer; undefined when another instance is sequencing now. */
  sequence<T>(work: (s: SequencerSession) => Promise<T>): Promise<T | undefined>;
}
