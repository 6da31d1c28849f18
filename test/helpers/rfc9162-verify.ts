import { createHash } from 'node:crypto';

/**
 * Verification of RFC 9162 proofs written step by step from the RFC's text (§2.1.3.2 and §2.1.4.2), sharing
 * nothing with src/features/audit/merkle.ts, which builds them: a proof the gateway serves must convince this.
 */

const HASH = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const ONE = Buffer.from([0x01]);
const lsb = (n: bigint) => (n & 1n) === 1n;

/** §2.1.3.2: verifying an inclusion proof of `hash` at `leafIndex` against `rootHash` of `treeSize`. */
export function verifyInclusion(leafIndex: number, treeSize: number, hash: Buffer, inclusionPath: Buffer[], rootHash: Buffer): boolean {
  // 1. Compare leaf_index from the inclusion_proof input against tree_size. If leaf_index is greater than or equal to tree_size, then fail.
  if (leafIndex >= treeSize) return false;
  // 2. Set fn to leaf_index and sn to tree_size - 1.
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  // 3. Set r to hash.
  let r = hash;
  // 4. For each value p in the inclusion_path array:
  for (const p of inclusionPath) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0n) return false;
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (lsb(fn) || fn === sn) {
      // 1. Set r to HASH(0x01 || p || r).
      r = HASH(ONE, p, r);
      // 2. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      // Otherwise: Set r to HASH(0x01 || r || p).
      r = HASH(ONE, r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. Compare sn to 0. Compare r against the root_hash. If sn is equal to 0 and r and the root_hash are equal, then the log has proven the inclusion of hash.
  return sn === 0n && r.equals(rootHash);
}

/** §2.1.4.2: verifying a consistency proof from (`first`, `firstHash`) to (`second`, `secondHash`). */
export function verifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, consistencyPath: Buffer[]): boolean {
  // 1. If consistency_path is an empty array, then stop and fail the proof verification.
  if (consistencyPath.length === 0) return false;
  const path = [...consistencyPath];
  // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  if ((BigInt(first) & (BigInt(first) - 1n)) === 0n) path.unshift(firstHash);
  // 3. Set fn to first - 1 and sn to second - 1.
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. Set both fr and sr to the first value in the consistency_path array.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6. For each subsequent value c in the consistency_path array:
  for (const c of path.slice(1)) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0n) return false;
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (lsb(fn) || fn === sn) {
      // 1. Set fr to HASH(0x01 || c || fr). Set sr to HASH(0x01 || c || sr).
      fr = HASH(ONE, c, fr);
      sr = HASH(ONE, c, sr);
      // 2. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      // Otherwise: Set sr to HASH(0x01 || sr || c).
      sr = HASH(ONE, sr, c);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7. Verify that fr equals first_hash, sr equals second_hash, and sn is 0.
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

/** MTH of §2.1.1 straight from its definition over the whole list of leaf data. */
export function referenceRoot(data: Buffer[]): Buffer {
  if (data.length === 0) return HASH();
  if (data.length === 1) return HASH(Buffer.from([0x00]), data[0]!);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return HASH(ONE, referenceRoot(data.slice(0, k)), referenceRoot(data.slice(k)));
}
