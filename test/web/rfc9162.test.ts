import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, nodeHash, rootHash, type NodeSource } from '../../src/features/audit/merkle.js';
import { verifyInclusion } from '../../src/web/console/audit/rfc9162.js';

// The audit page's own RFC 9162 check (WebCrypto) against proofs the gateway's tree code builds: every leaf of
// trees of many sizes verifies, and any change — a leaf, a path step, the root, the index, the size — does not.

const leaves = Array.from({ length: 13 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const node: NodeSource = (level, index) => (level === 0 ? leaves[index]! : nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1)));
const hex = (b: Buffer) => b.toString('hex');
const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);

describe('verifyInclusion in the browser', () => {
  it('accepts every leaf of trees of 1 to 13 leaves with the proof the log serves', async () => {
    for (let size = 1; size <= 13; size++) {
      const root = hex(rootHash(size, node));
      for (let i = 0; i < size; i++) {
        const path = inclusionProof(i, size, node).map(hex);
        expect(await verifyInclusion(i, size, hex(leaves[i]!), path, root), `leaf ${i} of ${size}`).toBe(true);
      }
    }
  });

  it('refuses a changed leaf, path step, root, index or size', async () => {
    const size = 11;
    const i = 6;
    const root = hex(rootHash(size, node));
    const path = inclusionProof(i, size, node).map(hex);
    const leaf = hex(leaves[i]!);
    expect(await verifyInclusion(i, size, flip(leaf), path, root)).toBe(false);
    for (let k = 0; k < path.length; k++) expect(await verifyInclusion(i, size, leaf, path.map((p, j) => (j === k ? flip(p) : p)), root), `step ${k}`).toBe(false);
    expect(await verifyInclusion(i, size, leaf, path, flip(root))).toBe(false);
    expect(await verifyInclusion(i + 1, size, leaf, path, root)).toBe(false);
    expect(await verifyInclusion(i, size + 1, leaf, path, hex(rootHash(size + 1, node)))).toBe(false);
    expect(await verifyInclusion(i, size, leaf, path.slice(0, -1), root)).toBe(false);
    expect(await verifyInclusion(i, size, leaf, [...path, leaf], root)).toBe(false);
    expect(await verifyInclusion(size, size, leaf, path, root)).toBe(false);
  });
});
