import type { components } from '../../../generated/openapi.js';

type Proof = components['schemas']['AuditInclusionProof'];
type TreeHead = components['schemas']['AuditTreeHead'];

/**
 * What the page tells the SME about one read of its data: its inclusion in the audit log was checked here, in
 * the browser, against a signed tree head (`verified`); it is not yet in a published head (`pending`); or the
 * check failed (`failed`).
 */
export type Verdict = 'verified' | 'pending' | 'failed';

const sha256 = async (...parts: Uint8Array[]): Promise<Uint8Array> => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
};

/** Lowercase hex → bytes; undefined for anything but an even run of hex digits. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes → lowercase hex. */
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** RFC 9162 §2.1.1: a leaf hash is SHA-256(0x00 || data). */
export const leafHash = (data: Uint8Array): Promise<Uint8Array> => sha256(new Uint8Array([0x00]), data);

/** RFC 9162 §2.1.1: an interior node is SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> => sha256(new Uint8Array([0x01]), left, right);

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2): from the leaf's hash up its audit path, each step
 * on the side the leaf's index and the tree's last index say; undefined when the path cannot belong to a tree of
 * `treeSize` leaves. Sizes are plain numbers (below 2^53), so halving is by division, never a 32-bit shift.
 */
export async function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[]): Promise<Uint8Array | undefined> {
  if (!(Number.isSafeInteger(leafIndex) && Number.isSafeInteger(treeSize) && leafIndex >= 0 && leafIndex < treeSize)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  const half = (n: number) => Math.floor(n / 2);
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

const fromBase64Url = (s: string): Uint8Array<ArrayBuffer> | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
};

const decodeJson = (b: Uint8Array | undefined): Record<string, unknown> | undefined => {
  if (!b) return undefined;
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(b));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** A public key of the gateway's JWKS (`getGatewayJwks`). */
export interface PublicJwk {
  kid?: string;
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/**
 * Whether `head.signed_tree_head` is the gateway's ES256 signature (a key of `jwks`, by `kid`) over this head's
 * own size, root and time, with the tree-head `typ` — checked with WebCrypto, nothing trusted from the answer.
 */
export async function verifyTreeHead(head: TreeHead, jwks: { keys: readonly PublicJwk[] }): Promise<boolean> {
  const parts = head.signed_tree_head.split('.');
  if (parts.length !== 3) return false;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(fromBase64Url(h));
  const claims = decodeJson(fromBase64Url(p));
  const signature = fromBase64Url(s);
  if (!header || !claims || !signature || header.alg !== 'ES256' || header.typ !== 'zcd-tree-head+jwt') return false;
  const jwk = jwks.keys.find((k) => k.kid === header.kid && k.kty === 'EC' && k.crv === 'P-256');
  if (!jwk?.x || !jwk.y) return false;
  if (claims.tree_size !== head.tree_size || claims.root_hash !== head.root_hash || claims.timestamp !== Date.parse(head.timestamp)) return false;
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, new TextEncoder().encode(`${h}.${p}`));
  } catch {
    return false;
  }
}

/**
 * The verdict on one entry of the data-access log: `pending` until it has a leaf inside the signed head;
 * `verified` when its leaf hash is the proof's and the proof's audit path leads from it to the root of `head`,
 * whose signature `headSigned` says was checked; `failed` otherwise.
 */
export async function verifyEntry(
  entry: { leaf_index: number | null; leaf_hash: string | null },
  head: TreeHead | undefined,
  headSigned: boolean,
  proof: Proof | undefined,
): Promise<Verdict> {
  if (entry.leaf_index === null || entry.leaf_hash === null || !head || entry.leaf_index >= head.tree_size) return 'pending';
  if (!headSigned || !proof) return 'failed';
  if (proof.leaf_index !== entry.leaf_index || proof.tree_size !== head.tree_size || proof.leaf_hash !== entry.leaf_hash) return 'failed';
  const leaf = fromHex(entry.leaf_hash);
  const path = proof.audit_path.map(fromHex);
  if (!leaf || path.some((x) => x === undefined)) return 'failed';
  const root = await rootFromInclusionProof(proof.leaf_index, head.tree_size, leaf, path as Uint8Array[]);
  return root && toHex(root) === head.root_hash ? 'verified' : 'failed';
}
