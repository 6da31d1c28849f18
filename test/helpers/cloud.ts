import { createHash } from 'node:crypto';
import type { Knex } from '../../src/db/knex.js';
import type {
  ChangeEntry,
  ChangePage,
  CloudHealth,
  CloudKeys,
  CollectionAccountChange,
  CollectionAccountRelease,
  Contract,
  ProcurementCloud,
} from '../../adapters/procurement-cloud.js';

/** A procurement cloud whose feed is a list the test writes; the cursor is the index. */
export class FakeCloud implements ProcurementCloud {
  entries: ChangeEntry[] = [];
  circuit: CloudHealth['circuit'] = 'closed';

  async listChanges(cursor: string | undefined, limit: number): Promise<ChangePage> {
    const from = cursor === undefined ? 0 : Number(cursor);
    const page = this.entries.slice(from, from + limit);
    const next = from + page.length;
    return { entries: page, nextCursor: String(next), hasMore: next < this.entries.length, remaining: this.entries.length - next };
  }
  async getContract(): Promise<Contract | undefined> {
    return undefined;
  }
  async requestCollectionAccountChange(): Promise<CollectionAccountChange> {
    throw new Error('not used');
  }
  async getCollectionAccountChange(): Promise<CollectionAccountChange | undefined> {
    return undefined;
  }
  async releaseCollectionAccount(): Promise<CollectionAccountRelease> {
    throw new Error('not used');
  }
  async keys(): Promise<CloudKeys> {
    return { issuer: 'https://fake.invalid', jwks: { keys: [] } };
  }
  async readNotification(): Promise<ChangeEntry[]> {
    return [];
  }
  health(): CloudHealth {
    return this.circuit === 'open' ? { ok: false, circuit: 'open', detail: 'circuit open: the cloud is failing' } : { ok: true, circuit: this.circuit };
  }
}

/** The synced tables and the columns that a re-run must reproduce exactly (ingest timestamps left out). */
const digestTables: Record<string, { key: string; columns: string[] }> = {
  contracts: {
    key: 'contract_no',
    columns: ['contract_no', 'project_no', 'purchaser_name', 'purchaser_region_code', 'supplier_uscc', 'supplier_name', 'supplier_sme', 'category', 'amount_fen', 'procurement_method', 'signed_on', 'payment_terms', 'status', 'version', 'last_change_id', 'updated_at'],
  },
  contract_amendments: { key: 'change_id', columns: ['change_id', 'contract_no', 'version', 'occurred_at', 'kind', 'changes'] },
  acceptances: { key: 'acceptance_id', columns: ['acceptance_id', 'contract_no', 'accepted_at', 'result'] },
  payments: { key: 'payment_id', columns: ['payment_id', 'contract_no', 'amount_fen', 'paid_at'] },
  supplier_risk_flags: { key: 'flag_id', columns: ['flag_id', 'supplier_uscc', 'kind', 'recorded_at', 'description', 'lifted_at'] },
  events: { key: 'id', columns: ['id', 'type', 'occurred_at', 'contract_no', 'payload'] },
  quarantined_records: { key: 'id', columns: ['id', 'source', 'change_id', 'reason', 'raw_payload', 'region_code'] },
  sync_cursors: { key: 'source', columns: ['source', 'cursor'] },
};

/** A SHA-256 over the synced tables' contents, and their row counts. */
export async function syncedDigest(db: Knex): Promise<{ digest: string; counts: Record<string, number> }> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const [table, { key, columns }] of Object.entries(digestTables)) {
    const rows = (await db(table).select(columns).orderBy(key)) as Record<string, unknown>[];
    counts[table] = rows.length;
    hash.update(`#${table}\n`);
    for (const row of rows) {
      // SQLite gives booleans as 0/1 and PostgreSQL bigints as strings: normalise both.
      hash.update(JSON.stringify(columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : row[c] === null ? null : String(row[c])))) + '\n');
    }
  }
  return { digest: hash.digest('hex'), counts };
}
