import type { BureauPrincipal } from '../../http/principal.js';
import type { KnexSyncStore, QuarantinedRecord } from '../sync/sync-knex-store.js';

/** The prefix every code in a region's subtree shares (GB/T 2260: 15 → 1501 → 150102). */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** What a finance bureau may see of the records the gateway could not apply. */
export class QuarantineService {
  constructor(private readonly store: Pick<KnexSyncStore, 'listQuarantined'>) {}

  /** A page of quarantined records in the bureau's subtree, newest first; the root bureau also sees those without a region. */
  async list(
    bureau: BureauPrincipal,
    q: { limit: number; before?: { receivedAt: string; id: string } },
  ): Promise<{ items: QuarantinedRecord[]; more: boolean }> {
    const rows = await this.store.listQuarantined({
      limit: q.limit + 1,
      before: q.before,
      regionPrefix: regionPrefix(bureau.regionCode),
      includeUnknownRegion: bureau.regionCode.endsWith('0000'),
    });
    return { items: rows.slice(0, q.limit), more: rows.length > q.limit };
  }
}
