import { useQueries } from '@tanstack/react-query';
import { $api } from '../api/client.js';

/** Names of GB/T 2260 region codes (`getRegion`), fetched once per code and kept; a code not yet known maps to itself. */
export function useRegionNames(codes: readonly string[]): (code: string) => string {
  const unique = [...new Set(codes)].sort();
  const results = useQueries({
    queries: unique.map((code) => $api.queryOptions('get', '/api/v1/regions/{code}', { params: { path: { code } } }, { staleTime: Infinity, gcTime: Infinity })),
  });
  const names = new Map<string, string>();
  results.forEach((r, i) => {
    if (r.data) names.set(unique[i]!, r.data.name);
  });
  return (code) => names.get(code) ?? code;
}
