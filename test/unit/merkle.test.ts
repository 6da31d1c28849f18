import { describe, expect, it } from 'vitest';
import { appendLeaves, consistencyProof, inclusionProof, leafHash, nodesRead, rightEdge, rootHash, type NodeSource } from '../../src/features/audit/merkle.js';
import { referenceRoot, verifyConsistency, verifyInclusion } from '../helpers/rfc9162-verify.js';

/** Builds a tree by appending `data` in the given batch sizes, as the sequencer does. */
function build(data: Buffer[], batches: number[]): NodeSource {
  const nodes = new Map<string, Buffer>();
  const node: NodeSource = (level, index) => {
    const h = nodes.get(`${level}/${index}`);
    if (!h) throw new Error(`node ${level}/${index} not built`);
    return h;
  };
  let size = 0;
  let b = 0;
  while (size < data.length) {
    const n = Math.min(batches[b++ % batches.length]!, data.length - size);
    for (const made of appendLeaves(size, data.slice(size, size + n).map(leafHash), node)) nodes.set(`${made.level}/${made.index}`, made.hash);
    size += n;
  }
  return node;
}

const hex = (b: Buffer) => b.toString('hex');

// The leaf data and roots of the test vectors the RFC 6962 implementations share (certificate-transparency).
const VECTOR_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 9162 Merkle tree', () => {
  it('gives the roots of the shared test vectors and of the empty tree', () => {
    const node = build(VECTOR_DATA, [3]);
    expect(VECTOR_ROOTS.map((_, i) => hex(rootHash(i + 1, node)))).toEqual(VECTOR_ROOTS);
    expect(hex(rootHash(0, node))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  const data = Array.from({ length: 37 }, (_, i) => Buffer.from(`entry ${i}`));

  it('has the same root whatever the batches it was appended in, equal to MTH from the definition', () => {
    for (const batches of [[1], [2, 5], [7], [37], [3, 1, 8]]) {
      const node = build(data, batches);
      for (let size = 1; size <= data.length; size++) expect(hex(rootHash(size, node))).toBe(hex(referenceRoot(data.slice(0, size))));
    }
  });

  it('serves inclusion proofs every RFC verifier accepts, and that fail for another leaf, index or root', () => {
    const node = build(data, [4, 3]);
    for (let size = 1; size <= data.length; size++) {
      const root = rootHash(size, node);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(i, size, node);
        expect(verifyInclusion(i, size, leafHash(data[i]!), proof, root)).toBe(true);
        expect(verifyInclusion(i, size, leafHash(Buffer.from('forged')), proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion((i + 1) % size, size, leafHash(data[i]!), proof, root)).toBe(false);
      }
    }
    expect(() => inclusionProof(5, 5, node)).toThrow(RangeError);
  });

  it('serves consistency proofs between every two sizes, and they fail against a rewritten history', () => {
    const node = build(data, [5]);
    const rewritten = build(data.map((d, i) => (i === 2 ? Buffer.from('rewritten') : d)), [5]);
    for (let second = 1; second <= data.length; second++) {
      for (let first = 1; first < second; first++) {
        const proof = consistencyProof(first, second, node);
        expect(verifyConsistency(first, second, rootHash(first, node), rootHash(second, node), proof)).toBe(true);
        if (first > 2) expect(verifyConsistency(first, second, rootHash(first, rewritten), rootHash(second, node), proof)).toBe(false);
      }
    }
    expect(consistencyProof(4, 4, node)).toEqual([]);
    expect(() => consistencyProof(5, 4, node)).toThrow(RangeError);
  });

  it('fetches the right edge once: all an append reads, and with what it makes all the new root reads', () => {
    const keys = (ns: { level: number; index: number }[]) => ns.map((n) => `${n.level}/${n.index}`).sort();
    expect(rightEdge(0)).toEqual([]);
    expect(rightEdge(1)).toEqual([{ level: 0, index: 0 }]);
    // 13 = 8 + 4 + 1: the first eight leaves, the next four, the thirteenth.
    expect(rightEdge(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    for (const size of [0, 1, 2, 3, 5, 8, 13, 64, 100, 1_023, 1_024, 4_097, 123_456]) {
      const edge = new Set(keys(rightEdge(size)));
      expect(keys(nodesRead((node) => rootHash(size, node)))).toEqual(size === 0 ? [] : [...edge]);
      for (const count of [1, 2, 3, 7, 1_000]) {
        const leaves = Array.from({ length: count }, (_, i) => leafHash(Buffer.from(String(i))));
        // What an append asks of the existing tree is on its right edge…
        expect(keys(nodesRead((node) => appendLeaves(size, leaves, node))).filter((k) => !edge.has(k))).toEqual([]);
        // …and the new root reads only that edge and what the append made.
        const made = new Set(appendLeaves(size, leaves, () => Buffer.alloc(32)).map((n) => `${n.level}/${n.index}`));
        expect(keys(nodesRead((node) => rootHash(size + count, node))).filter((k) => !edge.has(k) && !made.has(k))).toEqual([]);
      }
    }
  });

  it('names the stored subtrees a proof reads, at most two per level', () => {
    const wanted = nodesRead((node) => inclusionProof(1_000_000, 123_456_789, node));
    expect(wanted.length).toBeLessThanOrEqual(2 * 27);
    const appended = nodesRead((node) => appendLeaves(2 ** 20 - 1, [Buffer.alloc(32)], node));
    expect(appended.map((n) => n.level).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
