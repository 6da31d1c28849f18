import { epochMs, systemClock, type Clock } from '../../clock.js';
import type { AccessLogEntry, AccessOwner, AccessRecord, AuditSource, AuditStore, StoredHead } from './audit-store.js';
import { appendLeaves, consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, nodesRead, rightEdge, rootHash, type NodeSource } from './merkle.js';

// Taken at load, as in prepared.ts: a test that fakes timers must not stall the sequencer behind a fake setImmediate.
const nextTurn = setImmediate;

/**
 * Lets the requests that arrived meanwhile run. Each phase of a batch — reading a thousand entries, hashing them,
 * committing them — is synchronous work of a few milliseconds on SQLite; awaiting a settled promise between them
 * would run them back to back, so a request arriving at the start of a batch would wait for all three.
 */
const requestsTurn = () => new Promise<void>((resolve) => nextTurn(resolve));

/** The `typ` of a signed tree head. */
export const TREE_HEAD_TYP = 'zcd-tree-head+jwt';

/** The leaf data of an entry: canonical JSON of a fixed field order, kind first. */
export function leafData(s: AuditSource): Buffer {
  const e = s.entry;
  const fields =
    s.kind === 'data_access'
      ? [
          'data_access',
          s.entry.id,
          s.entry.at,
          s.entry.institutionId,
          s.entry.applicationId,
          s.entry.contractNo,
          s.entry.supplierUscc,
          s.entry.purchaserRegionCode,
          s.entry.part,
          s.entry.consentExpiresAt,
          s.entry.chainHash,
        ]
      : ['admin', e.id, e.at, s.entry.actor, s.entry.action, s.entry.target, s.entry.before, s.entry.after];
  return Buffer.from(JSON.stringify(fields), 'utf8');
}

const key = (level: number, index: number) => `${level}/${index}`;

/** A node source over fetched subtrees; a missing one is a broken store. */
function fromMap(nodes: Map<string, Buffer>): NodeSource {
  return (level, index) => {
    const h = nodes.get(key(level, index));
    if (!h) throw new Error(`audit tree node ${level}/${index} is missing`);
    return h;
  };
}

/** Fetches exactly the subtrees `compute` reads, then runs it on them. */
async function withNodes<T>(fetch: (keys: { level: number; index: number }[]) => Promise<Map<string, Buffer>>, compute: (node: NodeSource) => T): Promise<T> {
  const keys = nodesRead(compute);
  return compute(fromMap(keys.length ? await fetch(keys) : new Map()));
}

/** Signs a tree head's claims as a JWS with the gateway key. */
export type HeadSigner = (claims: { iss: string; tree_size: number; root_hash: string; timestamp: number }) => Promise<string>;

/** A head as served: size, root, time and the JWS over them. */
export type TreeHead = StoredHead;

/** What a party may see of the log. */
export type LeafAccess = (source: AuditSource) => boolean | Promise<boolean>;

/**
 * The audit log as an RFC 9162 Merkle tree. Appending a read writes one row and touches nothing else; the
 * sequencer (one at a time, see {@link AuditStore.sequence}) gives new entries leaves in batches and publishes a
 * signed head; proofs are computed from the stored perfect subtrees.
 */
export class AuditTree {
  private readonly clock: Clock;

  constructor(
    private readonly deps: { store: AuditStore; sign: HeadSigner; issuer: string; clock?: Clock; batch?: number },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** The data-access log port: appends a read. */
  append(record: AccessRecord): Promise<void> {
    return this.deps.store.appendAccess(record);
  }

  /** An owner's reads, newest first. */
  list(owner: AccessOwner, q: { beforeId?: number | undefined; limit: number }): Promise<AccessLogEntry[]> {
    return this.deps.store.listAccess(owner, q);
  }

  /**
   * Adds every waiting entry to the tree, in batches, and publishes a signed head after each. Returns the new size,
   * or undefined when another instance is sequencing. The head is signed after the batch commits, outside the
   * sequencer's transaction (signing may read the keys; on SQLite that transaction holds the one connection); a
   * batch whose head was never published (the instance died) gets it on the next run.
   */
  async sequence(): Promise<number | undefined> {
    // A batch holds SQLite's one connection while it commits: 1,000 entries keep that to a few tens of ms.
    const batch = this.deps.batch ?? 1_000;
    let size: number | undefined;
    for (;;) {
      const outcome = await this.deps.store.sequence(async (s) => {
        const from = await s.size();
        const sources = await s.unsequenced(batch);
        await requestsTurn();
        const to = from + sources.length;
        if (to === 0) return { size: 0, root: undefined, more: false };
        // The old right edge is all the append reads, and with what it makes all the new root reads: one fetch.
        const edge = rightEdge(from);
        const known = edge.length ? await s.nodes(edge) : new Map<string, Buffer>();
        const made = appendLeaves(from, sources.map((src) => leafHash(leafData(src))), fromMap(known));
        for (const n of made) known.set(key(n.level, n.index), n.hash);
        const root = rootHash(to, fromMap(known));
        await requestsTurn();
        if (sources.length) await s.commit({ size: from, sources, nodes: made });
        return { size: to, root, more: sources.length === batch };
      });
      if (!outcome) return size;
      size = outcome.size;
      if (outcome.root && !(await this.deps.store.head(outcome.size))) await this.publish(outcome.size, outcome.root);
      if (!outcome.more) return size;
    }
  }

  private async publish(treeSize: number, root: Buffer): Promise<void> {
    const at = epochMs(this.clock);
    const rootHex = root.toString('hex');
    const signature = await this.deps.sign({ iss: this.deps.issuer, tree_size: treeSize, root_hash: rootHex, timestamp: at });
    await this.deps.store.addHead({ treeSize, rootHash: rootHex, at, signature });
  }

  /** The latest published head; undefined before the first entry is sequenced. */
  latestHead(): Promise<TreeHead | undefined> {
    return this.deps.store.latestHead();
  }

  /** The published head of `treeSize`. */
  head(treeSize: number): Promise<TreeHead | undefined> {
    return this.deps.store.head(treeSize);
  }

  /**
   * The audit path of a leaf to the tree of `treeSize` leaves (the latest head's by default), if `may` lets the
   * caller see the entry behind it; otherwise, as for a leaf that does not exist, undefined.
   */
  async inclusion(
    leafIndex: number,
    treeSize: number | undefined,
    may: LeafAccess,
  ): Promise<{ leafIndex: number; treeSize: number; leafHash: string; path: string[]; source: AuditSource } | 'no_leaf' | 'no_head'> {
    const leaf = await this.deps.store.leaf(leafIndex);
    if (!leaf?.source || !(await may(leaf.source))) return 'no_leaf';
    const head = treeSize === undefined ? await this.deps.store.latestHead() : await this.deps.store.head(treeSize);
    if (!head || leafIndex >= head.treeSize) return 'no_head';
    const [path, hash] = await withNodes(
      (keys) => this.deps.store.nodes(keys),
      (node) => [inclusionProof(leafIndex, head.treeSize, node), node(0, leafIndex)] as const,
    );
    return { leafIndex, treeSize: head.treeSize, leafHash: hash.toString('hex'), path: path.map((h) => h.toString('hex')), source: leaf.source };
  }

  /** The consistency proof between two published heads; undefined when either is not one. */
  async consistency(first: number, second: number): Promise<{ first: StoredHead; second: StoredHead; proof: string[] } | undefined> {
    const [a, b] = await Promise.all([this.deps.store.head(first), this.deps.store.head(second)]);
    if (!a || !b || first > second) return undefined;
    const proof = await withNodes((keys) => this.deps.store.nodes(keys), (node) => consistencyProof(first, second, node));
    return { first: a, second: b, proof: proof.map((h) => h.toString('hex')) };
  }
}

/** The outcome of `zcd audit verify`. */
export interface TreeVerdict {
  ok: boolean;
  /** Leaves recomputed from their entries. */
  leaves: number;
  /** Published heads whose root was recomputed and whose signature was checked. */
  heads: number;
  /** Heads signed by a key the gateway no longer keeps: root checked, signature not checkable. */
  headsWithRetiredKey: number;
  /** The first thing that does not hold. */
  failure?:
    | { leafIndex: number; reason: 'entry_missing' | 'leaf_hash_mismatch' }
    | { treeSize: number; reason: 'root_mismatch' | 'bad_signature' | 'beyond_tree' }
    | { reason: 'stored_nodes_mismatch'; treeSize: number };
}

/** Checks a head's JWS: whether it verifies, fails, or names a key the gateway no longer has. */
export type HeadSignatureCheck = (head: StoredHead) => Promise<'ok' | 'bad' | 'retired_key'>;

/**
 * Recomputes the whole tree from the entries — every leaf hash from its entry, every root from those leaves,
 * keeping only the right edge of perfect subtrees in memory — and checks each published head's root and
 * signature, and that the stored subtrees the proofs are served from give the same latest root.
 */
export async function verifyTree(store: AuditStore, checkSignature: HeadSignatureCheck, onProgress?: (leaves: number) => void): Promise<TreeVerdict> {
  let frontier = new Map<string, Buffer>();
  let size = 0;
  let heads = 0;
  let retired = 0;
  let pendingHeads = await store.heads(0, 1000);
  const verdict = (failure?: TreeVerdict['failure']): TreeVerdict => ({
    ok: failure === undefined,
    leaves: size,
    heads,
    headsWithRetiredKey: retired,
    ...(failure ? { failure } : {}),
  });
  const checkHeadsAt = async (): Promise<TreeVerdict['failure'] | undefined> => {
    while (pendingHeads.length && pendingHeads[0]!.treeSize <= size) {
      const h = pendingHeads.shift()!;
      if (h.treeSize < size) return { treeSize: h.treeSize, reason: 'root_mismatch' };
      const root = size === 0 ? EMPTY_ROOT : rootHash(size, fromMap(frontier));
      if (root.toString('hex') !== h.rootHash) return { treeSize: h.treeSize, reason: 'root_mismatch' };
      const sig = await checkSignature(h);
      if (sig === 'bad') return { treeSize: h.treeSize, reason: 'bad_signature' };
      if (sig === 'retired_key') retired++;
      heads++;
      if (!pendingHeads.length) pendingHeads = await store.heads(h.treeSize, 1000);
    }
    return undefined;
  };
  for (;;) {
    const leaves = await store.walk(size - 1, 2000);
    if (!leaves.length) break;
    for (const l of leaves) {
      if (l.leafIndex !== size || !l.source) return verdict({ leafIndex: size, reason: 'entry_missing' });
      const hash = leafHash(leafData(l.source));
      if (!l.storedHash || !hash.equals(l.storedHash)) return verdict({ leafIndex: size, reason: 'leaf_hash_mismatch' });
      const source = fromMap(frontier);
      for (const n of appendLeaves(size, [hash], source)) frontier.set(key(n.level, n.index), n.hash);
      size++;
      frontier = pruneToFrontier(frontier, size);
      const failure = await checkHeadsAt();
      if (failure) return verdict(failure);
    }
    onProgress?.(size);
  }
  if (pendingHeads.length) return verdict({ treeSize: pendingHeads[0]!.treeSize, reason: 'beyond_tree' });
  if (size > 0) {
    const served = await withNodes((keys) => store.nodes(keys), (node) => rootHash(size, node)).catch(() => undefined);
    if (!served || !served.equals(rootHash(size, fromMap(frontier)))) return verdict({ reason: 'stored_nodes_mismatch', treeSize: size });
  }
  return verdict();
}

/** Keeps the perfect subtrees on the right edge of a tree of `size` leaves: all the next append and root read. */
function pruneToFrontier(nodes: Map<string, Buffer>, size: number): Map<string, Buffer> {
  const kept = new Map<string, Buffer>();
  for (const { level, index } of rightEdge(size)) {
    const h = nodes.get(key(level, index));
    if (h) kept.set(key(level, index), h);
  }
  return kept;
}
