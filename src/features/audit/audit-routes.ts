import { z } from 'zod';
import { isoTime } from '../../clock.js';
import { defineRoute } from '../../http/route.js';
import { specQuery } from '../../http/spec-schema.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { components } from '../../generated/openapi.js';
import type { Principal } from '../../http/principal.js';
import type { RegionService } from '../regions/regions-service.js';
import type { AuditSource } from './audit-store.js';
import type { AuditTree, TreeHead } from './audit-tree.js';

type S = components['schemas'];

const count = (min: number) => z.coerce.number().int().min(min).max(Number.MAX_SAFE_INTEGER);

const inclusionQuery = specQuery<'getAuditInclusionProof'>()(z.strictObject({ leaf_index: count(0), tree_size: count(1).optional() }));
const consistencyQuery = specQuery<'getAuditConsistencyProof'>()(z.strictObject({ first: count(1), second: count(1) }));

const headDto = (h: TreeHead): S['AuditTreeHead'] => ({
  tree_size: h.treeSize,
  root_hash: h.rootHash,
  timestamp: isoTime(h.at),
  signed_tree_head: h.signature,
});

/**
 * Who may see the entry behind a leaf: a supplier its own reads, a bank its own reads, a bureau the reads of
 * contracts purchased in its subtree and the administrative actions it took or that were taken on it.
 */
export function leafAccess(principal: Principal | undefined, regions: Pick<RegionService, 'subtree'>): (s: AuditSource) => Promise<boolean> {
  return async (s) => {
    if (!principal) return false;
    if (s.kind === 'admin') return principal.kind === 'bureau' && (s.entry.actor === principal.bureauId || s.entry.target === principal.bureauId);
    if (principal.kind === 'supplier') return s.entry.supplierUscc === principal.uscc;
    if (principal.kind === 'institution') return s.entry.institutionId === principal.institutionId;
    return (await regions.subtree(principal.regionCode)).has(s.entry.purchaserRegionCode);
  };
}

/** getAuditTreeHead, getAuditInclusionProof, getAuditConsistencyProof. */
export function createAuditRoutes(deps: { tree: AuditTree; regions: Pick<RegionService, 'subtree'> }) {
  const { tree } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/public/audit/tree-head',
      operationId: 'getAuditTreeHead',
      access: { public: true },
      handler: async () => {
        const head = await tree.latestHead();
        if (!head) throw new NotFoundError('no_tree_head', 'No entry has been added to the audit tree yet.');
        return headDto(head);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/audit/inclusion-proof',
      operationId: 'getAuditInclusionProof',
      access: { party: true },
      query: inclusionQuery,
      handler: async ({ query, principal }) => {
        const proof = await tree.inclusion(query.leaf_index, query.tree_size, leafAccess(principal, deps.regions));
        if (proof === 'no_leaf') throw new NotFoundError('audit_leaf_not_found', 'No audit entry you may see has this leaf index.');
        if (proof === 'no_head') throw new NotFoundError('tree_head_not_found', 'No published tree head of this size contains the leaf.');
        const head = (await tree.head(proof.treeSize))!;
        return {
          leaf_index: proof.leafIndex,
          tree_size: proof.treeSize,
          leaf_hash: proof.leafHash,
          audit_path: proof.path,
          tree_head: headDto(head),
        } satisfies S['AuditInclusionProof'];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/public/audit/consistency-proof',
      operationId: 'getAuditConsistencyProof',
      access: { public: true },
      query: consistencyQuery,
      handler: async ({ query }) => {
        if (query.first > query.second) throw new ValidationError([{ in: 'query', pointer: '/first', detail: 'may not exceed second' }], '`first` may not exceed `second`.');
        const proof = await tree.consistency(query.first, query.second);
        if (!proof) throw new NotFoundError('tree_head_not_found', 'Both sizes must be those of published tree heads.');
        return {
          first: query.first,
          second: query.second,
          first_root_hash: proof.first.rootHash,
          second_root_hash: proof.second.rootHash,
          consistency_path: proof.proof,
        } satisfies S['AuditConsistencyProof'];
      },
    }),
  ];
}
