import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1, as pure functions. Hashes are SHA-256 with the RFC's domain separation:
 * a leaf is `SHA-256(0x00 || data)`, an interior node `SHA-256(0x01 || left || right)`, the empty tree
 * `SHA-256()`. The tree is read through its perfect subtrees — `node(level, index)` is the hash of the 2^level
 * leaves starting at `index * 2^level` — which the sequencer stores as it appends and never changes again.
 * Every range the RFC's algorithms split a tree into is a perfect subtree or is split further at the largest
 * power of two below its size, so these functions need no other hash.
 */

/** The hash of one perfect subtree: `level` 0 is a leaf hash. */
export type NodeSource = (level: number, index: number) => Buffer;

/** A perfect subtree's hash, as the sequencer stores it. */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d). */
export const leafHash = (data: Buffer): Buffer => sha256(LEAF_PREFIX, data);

/** SHA-256(0x01 || left || right). */
export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** MTH({}) = SHA-256(). */
export const EMPTY_ROOT: Buffer = sha256();

/** The largest power of two smaller than `n` (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));
const log2 = (n: number) => Math.log2(n);

/** MTH(D[start : start + n]) for a range the RFC's recursion produces (its start aligned to its split). */
export function rangeHash(start: number, n: number, node: NodeSource): Buffer {
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return node(log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(start, k, node), rangeHash(start + k, n - k, node));
}

/** The root hash of the tree of the first `size` leaves. */
export const rootHash = (size: number, node: NodeSource): Buffer => rangeHash(0, size, node);

/** PATH(m, D[start : start + n]) of RFC 9162 §2.1.3.1, leaf first. */
function path(m: number, start: number, n: number, node: NodeSource): Buffer[] {
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(m, start, k, node), rangeHash(start + k, n - k, node)];
  return [...path(m - k, start + k, n - k, node), rangeHash(start, k, node)];
}

/** The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, size: number, node: NodeSource): Buffer[] {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  return path(index, 0, size, node);
}

/** SUBPROOF(m, D[start : start + n], b) of RFC 9162 §2.1.4.1. */
function subproof(m: number, start: number, n: number, complete: boolean, node: NodeSource): Buffer[] {
  if (m === n) return complete ? [] : [rangeHash(start, n, node)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, start, k, complete, node), rangeHash(start + k, n - k, node)];
  return [...subproof(m - k, start + k, n - k, false, node), rangeHash(start, k, node)];
}

/** The consistency proof from the tree of `first` leaves to the tree of `second` (RFC 9162 §2.1.4.1). */
export function consistencyProof(first: number, second: number, node: NodeSource): Buffer[] {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second) && first >= 0 && first <= second)) {
    throw new RangeError(`no consistency proof from ${first} to ${second}`);
  }
  if (first === 0 || first === second) return [];
  return subproof(first, 0, second, true, node);
}

/**
 * The perfect subtrees on the right edge of a tree of `size` leaves, largest first: one per set bit of `size`.
 * They are all that appending to the tree reads of it, and, with what the append makes, all that the new
 * root reads: a subtree on the new right edge is either new or was on the old one.
 */
export function rightEdge(size: number): { level: number; index: number }[] {
  const edge: { level: number; index: number }[] = [];
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level;
    const covered = Math.floor(size / width);
    if (covered % 2 === 1) edge.push({ level, index: covered - 1 });
  }
  return edge;
}

/**
 * The perfect subtrees that appending `leaves` to a tree of `size` leaves completes, leaves included.
 * `node` is asked only for subtrees of the existing tree (the left siblings on its right edge).
 */
export function appendLeaves(size: number, leaves: readonly Buffer[], node: NodeSource): TreeNode[] {
  const made = new Map<string, Buffer>();
  const out: TreeNode[] = [];
  const get = (level: number, index: number) => made.get(`${level}/${index}`) ?? node(level, index);
  const put = (level: number, index: number, hash: Buffer) => {
    made.set(`${level}/${index}`, hash);
    out.push({ level, index, hash });
  };
  leaves.forEach((hash, j) => {
    let index = size + j;
    let level = 0;
    put(level, index, hash);
    while (index % 2 === 1) {
      const parent = nodeHash(get(level, index - 1), get(level, index));
      index = (index - 1) / 2;
      level += 1;
      put(level, index, parent);
    }
  });
  return out;
}

/**
 * The subtrees a computation reads: runs `compute` against a source that records what it is asked and answers
 * a placeholder, so that a store can fetch exactly those hashes in one query before the real run.
 */
export function nodesRead(compute: (node: NodeSource) => unknown): { level: number; index: number }[] {
  const seen = new Map<string, { level: number; index: number }>();
  const placeholder = Buffer.alloc(32);
  compute((level, index) => {
    seen.set(`${level}/${index}`, { level, index });
    return placeholder;
  });
  return [...seen.values()];
}
