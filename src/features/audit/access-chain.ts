import { createHash } from 'node:crypto';
import type { KnexFinancingStore } from '../financing/financing-knex-store.js';
import type { DataAccessEntry } from '../financing/financing-store.js';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

type Body = Omit<DataAccessEntry, 'hash' | 'prevHash'>;

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
function nextEntry(head: { lastId: number; lastHash: string }, e: Omit<Body, 'id'>): DataAccessEntry {
  const body: Body = { ...e, id: head.lastId + 1 };
  return { ...body, prevHash: head.lastHash, hash: entryHash(head.lastHash, body) };
}

/** Appends one read to the chain; call inside a transaction. */
export async function appendAccess(store: KnexFinancingStore, e: Omit<Body, 'id'>): Promise<DataAccessEntry> {
  const entry = nextEntry(await store.lockChainHead(), e);
  await store.appendAccess(entry);
  return entry;
}

/** Appends one read to the chain in a transaction of its own (the fast path of a bank's read). */
export function recordAccess(store: KnexFinancingStore, e: Omit<Body, 'id'>): Promise<DataAccessEntry> {
  return store.appendToChain((head) => nextEntry(head, e));
}

/** The outcome of walking the chain. */
export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** The first entry whose link or hash does not hold. */
  brokenAt?: { id: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'id_gap' };
}

/** Walks the whole chain in id order, recomputing every hash. */
export async function verifyChain(
  store: KnexFinancingStore,
  onProgress?: (checked: number) => void,
): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let checked = 0;
  for (;;) {
    const batch = await store.listAccess({ afterId: prevId, limit: 1000, ascending: true });
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
