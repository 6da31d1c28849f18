import type { Knex } from 'knex';
import { isoTime, msOfIso } from '../../clock.js';
import { bulkInsert } from '../../db/bulk.js';
import { isPostgres } from '../../db/knex.js';
import type { ChangeEntry, Contract } from '../../../adapters/procurement-cloud.js';
import { contractNosOf, type IngestContext, type IngestPlan, type StoredContract } from './ingest.js';
import type { QuarantinedRecord, SyncStore } from './sync-store.js';

const CHUNK = 400;

interface ContractRow {
  contract_no: string;
  project_no: string;
  purchaser_name: string;
  purchaser_region_code: string;
  supplier_uscc: string;
  supplier_name: string;
  supplier_sme: boolean | number;
  category: string;
  amount_fen: number | string;
  procurement_method: string;
  signed_on: string;
  payment_terms: string;
  status: string;
  version: number;
  last_change_id: string;
  updated_at: number | string;
}

const contractColumns = [
  'project_no',
  'purchaser_name',
  'purchaser_region_code',
  'supplier_uscc',
  'supplier_name',
  'supplier_sme',
  'category',
  'amount_fen',
  'procurement_method',
  'signed_on',
  'payment_terms',
  'status',
  'version',
  'last_change_id',
  'updated_at',
];

const toContract = (r: ContractRow): StoredContract => ({
  contractNo: r.contract_no,
  projectNo: r.project_no,
  purchaser: { name: r.purchaser_name, regionCode: r.purchaser_region_code },
  supplier: { uscc: r.supplier_uscc, name: r.supplier_name, sme: Boolean(r.supplier_sme) },
  category: r.category as Contract['category'],
  amountFen: Number(r.amount_fen),
  procurementMethod: r.procurement_method as Contract['procurementMethod'],
  signedOn: r.signed_on,
  paymentTerms: JSON.parse(r.payment_terms) as Contract['paymentTerms'],
  status: r.status as Contract['status'],
  version: r.version,
  lastChangeId: r.last_change_id,
  updatedAt: isoTime(Number(r.updated_at)),
});

const toRow = (c: StoredContract): ContractRow => ({
  contract_no: c.contractNo,
  project_no: c.projectNo,
  purchaser_name: c.purchaser.name,
  purchaser_region_code: c.purchaser.regionCode,
  supplier_uscc: c.supplier.uscc,
  supplier_name: c.supplier.name,
  supplier_sme: c.supplier.sme,
  category: c.category,
  amount_fen: c.amountFen,
  procurement_method: c.procurementMethod,
  signed_on: c.signedOn,
  payment_terms: JSON.stringify(c.paymentTerms),
  status: c.status,
  version: c.version,
  last_change_id: c.lastChangeId,
  updated_at: msOfIso(c.updatedAt),
});

async function inChunks<T, R>(items: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await fn(items.slice(i, i + CHUNK))));
  return out;
}


/** Contracts, their history, acceptances, payments, risk flags, cursors and quarantine, in SQL. */
export class KnexSyncStore implements SyncStore {
  constructor(private readonly db: Knex) {}

  async context(entries: readonly ChangeEntry[], flagIds: readonly string[]): Promise<Omit<IngestContext, 'appliedChangeIds'>> {
    const rows = await inChunks(contractNosOf(entries), (chunk) => this.db<ContractRow>('contracts').whereIn('contract_no', chunk).select('*'));
    const flags = await inChunks(flagIds, (chunk) => this.db('supplier_risk_flags').whereIn('flag_id', chunk).pluck('flag_id') as Promise<string[]>);
    return { contracts: new Map(rows.map((r) => [r.contract_no, toContract(r)])), flagIds: new Set(flags) };
  }

  /** Writes a plan; bound to the page's transaction. */
  async write(plan: IngestPlan, receivedAt: number): Promise<void> {
    const trx = this.db;
    await bulkInsert(trx, 'contracts', plan.contracts.map((c) => ({ ...toRow(c) })), { target: ['contract_no'], merge: contractColumns });
    await bulkInsert(
      trx,
      'contract_amendments',
      plan.amendments.map((a) => ({
        change_id: a.changeId,
        contract_no: a.contractNo,
        version: a.version,
        occurred_at: msOfIso(a.occurredAt),
        kind: a.kind,
        changes: JSON.stringify(a.changes),
      })),
      { target: ['change_id'], ignore: true },
    );
    await bulkInsert(
      trx,
      'acceptances',
      plan.acceptances.map((a) => ({ acceptance_id: a.acceptanceId, contract_no: a.contractNo, accepted_at: msOfIso(a.acceptedAt), result: a.result })),
      { target: ['acceptance_id'], merge: ['contract_no', 'accepted_at', 'result'] },
    );
    await bulkInsert(
      trx,
      'payments',
      plan.payments.map((p) => ({ payment_id: p.paymentId, contract_no: p.contractNo, amount_fen: p.amountFen, paid_at: msOfIso(p.paidAt) })),
      { target: ['payment_id'], ignore: true },
    );
    await bulkInsert(
      trx,
      'supplier_risk_flags',
      plan.flags.map((f) => ({
        flag_id: f.flagId,
        supplier_uscc: f.uscc,
        kind: f.kind,
        recorded_at: msOfIso(f.recordedAt),
        description: f.description,
        lifted_at: null,
      })),
      { target: ['flag_id'], merge: ['supplier_uscc', 'kind', 'recorded_at', 'description'] },
    );
    for (const lift of plan.flagLifts) await trx('supplier_risk_flags').where({ flag_id: lift.flagId }).update({ lifted_at: msOfIso(lift.liftedAt) });
    await bulkInsert(
      trx,
      'quarantined_records',
      plan.quarantine.map((q) => ({
        id: q.id,
        source: q.source,
        change_id: q.changeId,
        reason: q.reason.slice(0, 1000),
        raw_payload: q.rawPayload,
        region_code: q.regionCode,
        received_at: receivedAt,
      })),
      { target: ['id'], ignore: true },
    );
  }

  async cursor(source: string, lock = false): Promise<string | undefined> {
    const q = this.db('sync_cursors').where({ source }).first<{ cursor: string } | undefined>('cursor');
    if (lock && isPostgres(this.db)) q.forUpdate();
    return (await q)?.cursor;
  }

  async setCursor(source: string, cursor: string, at: number): Promise<void> {
    await this.db('sync_cursors').insert({ source, cursor, updated_at: at }).onConflict('source').merge(['cursor', 'updated_at']);
  }

  async getContract(contractNo: string): Promise<StoredContract | undefined> {
    const row = await this.db<ContractRow>('contracts').where({ contract_no: contractNo }).first();
    return row ? toContract(row) : undefined;
  }

  async unpaidBalance(contractNo: string): Promise<number | undefined> {
    const contract = await this.getContract(contractNo);
    if (!contract) return undefined;
    const row = await this.db('payments').where({ contract_no: contractNo }).sum({ paid: 'amount_fen' }).first<{ paid: number | string | null }>();
    return contract.amountFen - Number(row?.paid ?? 0);
  }

  async listQuarantined(q: Parameters<SyncStore['listQuarantined']>[0]): Promise<QuarantinedRecord[]> {
    const query = this.db('quarantined_records')
      .select('*')
      .orderBy([
        { column: 'received_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(q.limit);
    query.where((w) => {
      w.where('region_code', 'like', `${q.regionPrefix}%`);
      if (q.includeUnknownRegion) w.orWhereNull('region_code');
    });
    if (q.before) {
      const { receivedAt, id } = q.before;
      query.where((w) => w.where('received_at', '<', receivedAt).orWhere((x) => x.where('received_at', receivedAt).andWhere('id', '<', id)));
    }
    const rows = (await query) as {
      id: string;
      source: string;
      change_id: string | null;
      reason: string;
      raw_payload: string;
      region_code: string | null;
      received_at: number | string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      source: r.source,
      changeId: r.change_id,
      reason: r.reason,
      rawPayload: r.raw_payload,
      regionCode: r.region_code,
      receivedAt: Number(r.received_at),
    }));
  }
}
