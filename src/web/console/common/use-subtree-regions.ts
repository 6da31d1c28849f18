import { $api } from '../../shared/api/client.js';

/** A region of the staff member's subtree, with the names above it down from the bureau's own. */
export interface SubtreeRegion {
  code: string;
  name: string;
  /** `呼和浩特市 / 新城区`: the path from the bureau's region, for pickers. */
  path: string;
  depth: number;
}

/** The regions of `root`'s subtree (root first, then depth-first by code), from the public `listRegions`. */
export function useSubtreeRegions(root: string | undefined): { regions: SubtreeRegion[]; pending: boolean } {
  // Inner Mongolia has about 120 regions: one page of 500 holds them all.
  const query = $api.useQuery('get', '/api/v1/regions', { params: { query: { page_size: 500 } } }, { staleTime: Infinity, enabled: root !== undefined });
  const all = query.data?.items ?? [];
  const children = new Map<string, typeof all>();
  for (const r of all) if (r.parent_code) children.set(r.parent_code, [...(children.get(r.parent_code) ?? []), r]);
  const out: SubtreeRegion[] = [];
  const rootRegion = all.find((r) => r.code === root);
  const walk = (code: string, name: string, path: string, depth: number) => {
    out.push({ code, name, path, depth });
    for (const c of (children.get(code) ?? []).sort((a, b) => (a.code < b.code ? -1 : 1))) walk(c.code, c.name, depth === 0 ? c.name : `${path} / ${c.name}`, depth + 1);
  };
  if (rootRegion) walk(rootRegion.code, rootRegion.name, rootRegion.name, 0);
  return { regions: out, pending: query.isPending };
}
