// The portal's in-browser check of the data-access log (WebCrypto, RFC 9162): proofs the gateway's own Merkle code
// makes verify; a tampered path, leaf, index or root, or a head signed by another key or over other figures, fails.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash as serverLeafHash, nodeHash as serverNodeHash, rootHash, type NodeSource } from '../../src/features/audit/merkle.js';
import type { components } from '../../src/generated/openapi.js';
import { fromHex, leafHash, nodeHash, rootFromInclusionProof, toHex, verifyEntry, verifyTreeHead } from '../../src/web/portal/data-access/audit-verify.js';

type Head = components['schemas']['AuditTreeHead'];
type Proof = components['schemas']['AuditInclusionProof'];

/** A tree of `size` leaves as the sequencer stores it: every perfect subtree's hash. */
function tree(size: number): NodeSource {
  const leaves = Array.from({ length: size }, (_, i) => serverLeafHash(Buffer.from(JSON.stringify(['data_access', i + 1]))));
  const node: NodeSource = (level, index) => {
    if (level === 0) return leaves[index]!;
    return serverNodeHash(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
  };
  return node;
}

async function signedHead(size: number, root: string, key?: CryptoKey, kid = 'k1', claims: Record<string, unknown> = {}): Promise<Head> {
  const at = Date.UTC(2026, 11, 1, 0, 0, 0);
  const sig = await new SignJWT({ iss: 'http://gw', tree_size: size, root_hash: root, timestamp: at, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'zcd-tree-head+jwt', kid })
    .sign(key!);
  return { tree_size: size, root_hash: root, timestamp: new Date(at).toISOString(), signed_tree_head: sig };
}

describe('the RFC 9162 hashes', () => {
  it('are SHA-256 with the 0x00 leaf and 0x01 node prefixes, as the gateway computes them', async () => {
    const data = new TextEncoder().encode('["data_access",1]');
    expect(toHex(await leafHash(data))).toBe(serverLeafHash(Buffer.from(data)).toString('hex'));
    const a = await leafHash(new Uint8Array([1]));
    const b = await leafHash(new Uint8Array([2]));
    expect(toHex(await nodeHash(a, b))).toBe(serverNodeHash(Buffer.from(a), Buffer.from(b)).toString('hex'));
    expect(fromHex('zz')).toBeUndefined();
  });
});

describe('an inclusion proof checked in the page', () => {
  it('leads every leaf of trees of many sizes to the root', async () => {
    for (const size of [1, 2, 3, 5, 7, 8, 13]) {
      const node = tree(size);
      const root = rootHash(size, node).toString('hex');
      for (let i = 0; i < size; i++) {
        const path = inclusionProof(i, size, node).map((b) => new Uint8Array(b));
        const got = await rootFromInclusionProof(i, size, new Uint8Array(node(0, i)), path);
        expect(got && toHex(got), `leaf ${i} of ${size}`).toBe(root);
      }
    }
  });

  it('says verified for a true proof under a signed head, failed for a tampered one, pending before the head', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] };
    const size = 11;
    const node = tree(size);
    const root = rootHash(size, node).toString('hex');
    const head = await signedHead(size, root, privateKey);
    expect(await verifyTreeHead(head, jwks)).toBe(true);

    const index = 6;
    const entry = { leaf_index: index, leaf_hash: node(0, index).toString('hex') };
    const proof: Proof = { leaf_index: index, tree_size: size, leaf_hash: entry.leaf_hash, audit_path: inclusionProof(index, size, node).map((b) => b.toString('hex')), tree_head: head };
    expect(await verifyEntry(entry, head, true, proof)).toBe('verified');

    // One flipped bit anywhere in the path, another leaf's hash, another index, a shorter path: failed.
    const flipped = [...proof.audit_path];
    flipped[1] = (flipped[1]![0] === '0' ? '1' : '0') + flipped[1]!.slice(1);
    expect(await verifyEntry(entry, head, true, { ...proof, audit_path: flipped })).toBe('failed');
    const otherLeaf = node(0, index + 1).toString('hex');
    expect(await verifyEntry({ ...entry, leaf_hash: otherLeaf }, head, true, { ...proof, leaf_hash: otherLeaf })).toBe('failed');
    expect(await verifyEntry(entry, head, true, { ...proof, leaf_hash: otherLeaf })).toBe('failed');
    expect(await verifyEntry({ ...entry, leaf_index: index + 1 }, head, true, { ...proof, leaf_index: index + 1 })).toBe('failed');
    expect(await verifyEntry(entry, head, true, { ...proof, audit_path: proof.audit_path.slice(1) })).toBe('failed');
    expect(await verifyEntry(entry, head, true, { ...proof, audit_path: [...proof.audit_path, root] })).toBe('failed');
    // A root other than the signed one, or a head whose signature did not check: failed.
    expect(await verifyEntry(entry, { ...head, root_hash: otherLeaf }, true, proof)).toBe('failed');
    expect(await verifyEntry(entry, head, false, proof)).toBe('failed');
    expect(await verifyEntry(entry, head, true, undefined)).toBe('failed');
    // Not yet sequenced, or past the head: pending.
    expect(await verifyEntry({ leaf_index: null, leaf_hash: null }, head, true, undefined)).toBe('pending');
    expect(await verifyEntry({ leaf_index: size, leaf_hash: otherLeaf }, head, true, undefined)).toBe('pending');
    expect(await verifyEntry(entry, undefined, false, undefined)).toBe('pending');
  });
});

describe('a signed tree head checked in the page', () => {
  it('holds only for the gateway key’s ES256 signature over the head’s own size, root and time', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] };
    const root = 'ab'.repeat(32);
    const head = await signedHead(4, root, privateKey);
    expect(await verifyTreeHead(head, jwks)).toBe(true);
    expect(await verifyTreeHead({ ...head, tree_size: 5 }, jwks)).toBe(false);
    expect(await verifyTreeHead({ ...head, root_hash: 'cd'.repeat(32) }, jwks)).toBe(false);
    expect(await verifyTreeHead(await signedHead(4, root, other.privateKey), jwks)).toBe(false);
    expect(await verifyTreeHead(await signedHead(4, root, privateKey, 'k2'), jwks)).toBe(false);
    expect(await verifyTreeHead(await signedHead(4, root, privateKey, 'k1', { tree_size: 3 }), jwks)).toBe(false);
    const [h, p, s] = head.signed_tree_head.split('.');
    expect(await verifyTreeHead({ ...head, signed_tree_head: `${h}.${p}.${s!.slice(0, -2)}AA` }, jwks)).toBe(false);
    expect(await verifyTreeHead({ ...head, signed_tree_head: 'not a jws' }, jwks)).toBe(false);
  });
});
