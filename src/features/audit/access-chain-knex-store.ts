import type { Knex } from 'knex';
import { PreparedStatements } from '../../db/prepared.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';
import type { AccessChainStore, ChainEntry, ChainHead, ChainOwner } from './access-chain-store.js';

interface EntryRow {
  id: number | string;
  at: number | string;
  institution_id: string;
  application_id: string;
  contract_no: string;
  supplier_uscc: string;
  purchaser_region_code: string;
  part: ChainEntry['part'];
  consent_expires_at: number | string;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: EntryRow): ChainEntry => ({
  id: Number(r.id),
  at: Number(r.at),
  institutionId: r.institution_id,
  applicationId: r.application_id,
  contractNo: r.contract_no,
  supplierUscc: r.supplier_uscc,
  purchaserRegionCode: r.purchaser_region_code,
  part: r.part,
  consentExpiresAt: Number(r.consent_expires_at),
  prevHash: r.prev_hash,
  hash: r.hash,
});

const INSERT_ENTRY = `insert into data_access_log (id, at, institution_id, application_id, contract_no, supplier_uscc, purchaser_region_code,
    part, consent_expires_at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const MOVE_HEAD = 'update audit_chain_head set last_id = ?, last_hash = ? where id = 1';
const HEAD = 'select last_id, last_hash from audit_chain_head where id = 1';

const entryParams = (e: ChainEntry) => [
  e.id,
  e.at,
  e.institutionId,
  e.applicationId,
  e.contractNo,
  e.supplierUscc,
  e.purchaserRegionCode,
  e.part,
  e.consentExpiresAt,
  e.prevHash,
  e.hash,
];

/** The data-access chain in `data_access_log`, its head in `audit_chain_head`. */
export class KnexAccessChainStore implements AccessChainStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  /**
   * On SQLite synchronously with prepared statements (one writer, nothing interleaves), group-committed with
   * the appends that arrive in the same turn, each entry still linked to the one before; on PostgreSQL in a
   * transaction holding the head row FOR UPDATE (run again whole if it meets a serialisation failure).
   */
  async append(next: (head: ChainHead) => ChainEntry): Promise<ChainEntry> {
    if (this.statements.sqlite) {
      return this.statements.batched((s) => {
        const head = s.get<{ last_id: number; last_hash: string }>(HEAD)!;
        const e = next({ lastId: Number(head.last_id), lastHash: head.last_hash });
        s.run(INSERT_ENTRY, entryParams(e));
        s.run(MOVE_HEAD, [e.id, e.hash]);
        return e;
      });
    }
    return withTransactionRetry(this.db, async (trx) => {
      const head = (await trx('audit_chain_head').where({ id: 1 }).forUpdate().first()) as { last_id: number | string; last_hash: string };
      const e = next({ lastId: Number(head.last_id), lastHash: head.last_hash });
      const statements = new PreparedStatements(trx);
      await statements.run(INSERT_ENTRY, entryParams(e));
      await statements.run(MOVE_HEAD, [e.id, e.hash]);
      return e;
    });
  }

  async list(owner: ChainOwner, q: { beforeId?: number | undefined; limit: number }): Promise<ChainEntry[]> {
    const query = this.db('data_access_log').select('*').orderBy('id', 'desc').limit(q.limit);
    if ('supplierUscc' in owner) query.where('supplier_uscc', owner.supplierUscc);
    else query.whereIn('purchaser_region_code', [...owner.regionCodes]);
    if (q.beforeId !== undefined) query.where('id', '<', q.beforeId);
    return ((await query) as EntryRow[]).map(toEntry);
  }

  async walk(afterId: number, limit: number): Promise<ChainEntry[]> {
    const rows = (await this.db('data_access_log').select('*').where('id', '>', afterId).orderBy('id').limit(limit)) as EntryRow[];
    return rows.map(toEntry);
  }
}
