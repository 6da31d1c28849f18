// RFC 9162 inclusion proofs checked in the browser with WebCrypto's SHA-256, written from §2.1.3.2: the audit page
// works out for itself whether an entry is in the published tree, rather than trusting a flag from the server.

const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** HASH(0x01 || left || right): an interior node of the tree (§2.1.1). */
async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/**
 * §2.1.3.2: whether `leafHash` at `leafIndex` of a tree of `treeSize` leads through `path` to `rootHash`
 * (all hashes lowercase hex). Indices are bigints inside, as the RFC's arithmetic is on unbounded integers.
 */
export async function verifyInclusion(leafIndex: number, treeSize: number, leafHash: string, path: readonly string[], rootHash: string): Promise<boolean> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r = fromHex(leafHash);
  for (const hex of path) {
    if (sn === 0n) return false;
    const p = fromHex(hex);
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && toHex(r) === rootHash.toLowerCase();
}
