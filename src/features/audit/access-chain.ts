import { createHash } from 'node:crypto';
import type { AccessChainStore, AccessRecord, ChainEntry, ChainHead, ChainOwner } from './access-chain-store.js';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

type Body = Omit<ChainEntry, 'hash' | 'prevHash'>;

/** SHA-256 over the previous hash and the entry's fields in a fixed order. */
export function entryHash(prevHash: string, e: Body): string {
  const canonical = JSON.stringify([
    e.id,
    e.at,
    e.institutionId,
    e.applicationId,
    e.contractNo,
    e.supplierUscc,
    e.purchaserRegionCode,
    e.part,
    e.consentExpiresAt,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** The entry that follows `head` in the chain. */
export function nextEntry(head: ChainHead, record: AccessRecord): ChainEntry {
  const body: Body = { ...record, id: head.lastId + 1 };
  return { ...body, prevHash: head.lastHash, hash: entryHash(head.lastHash, body) };
}

/**
 * The data-access log as a hash chain: each entry carries the hash of the one before, so a changed or deleted
 * entry breaks every link after it (`zcd audit verify`). Financing sees only its small `AccessLog` port.
 */
export class ChainedAccessLog {
  constructor(private readonly store: AccessChainStore) {}

  /** Appends a read at the end of the chain. */
  async append(record: AccessRecord): Promise<void> {
    await this.store.append((head) => nextEntry(head, record));
  }

  /** An owner's entries, newest first. */
  list(owner: ChainOwner, q: { beforeId?: number | undefined; limit: number }): Promise<ChainEntry[]> {
    return this.store.list(owner, q);
  }
}

/** The outcome of walking the chain. */
export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** The first entry whose link or hash does not hold. */
  brokenAt?: { id: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'id_gap' };
}

/** Walks the whole chain in id order, recomputing every hash. */
export async function verifyChain(store: Pick<AccessChainStore, 'walk'>, onProgress?: (checked: number) => void): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let checked = 0;
  for (;;) {
    const batch = await store.walk(prevId, 1000);
    if (!batch.length) break;
    for (const e of batch) {
      if (e.id !== prevId + 1) return { ok: false, checked, brokenAt: { id: e.id, reason: 'id_gap' } };
      if (e.prevHash !== prevHash) return { ok: false, checked, brokenAt: { id: e.id, reason: 'prev_hash_mismatch' } };
      if (entryHash(prevHash, e) !== e.hash) return { ok: false, checked, brokenAt: { id: e.id, reason: 'hash_mismatch' } };
      prevHash = e.hash;
      prevId = e.id;
      checked++;
    }
    onProgress?.(checked);
  }
  return { ok: true, checked };
}
