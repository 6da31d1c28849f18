import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import type { QuarantinedRecord, SyncStore } from '../sync/sync-store.js';

/** The prefix every code in a region's subtree shares (GB/T 2260: 15 → 1501 → 150102). */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** What a finance bureau may see of the records the gateway could not apply. */
export class QuarantineService {
  constructor(private readonly store: Pick<SyncStore, 'listQuarantined'>) {}

  /** A page of quarantined records in the bureau's subtree, newest first; the root bureau also sees those without a region. */
  list(bureau: BureauPrincipal, q: { limit: number; before?: { receivedAt: number; id: string } | undefined }): Promise<Page<QuarantinedRecord>> {
    return readPage(q.limit, (limit) =>
      this.store.listQuarantined({
        limit,
        before: q.before,
        regionPrefix: regionPrefix(bureau.regionCode),
        includeUnknownRegion: bureau.regionCode.endsWith('0000'),
      }),
    );
  }
}
