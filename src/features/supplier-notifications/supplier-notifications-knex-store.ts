import type { Knex } from '../../db/knex.js';
import type { LiveConsent, NotificationEvent, SupplierNotificationsStore, WaitingQuote } from './supplier-notifications-store.js';

type EventRow = { id: string; type: string; occurred_at: number | string; created_at: number | string; contract_no: string; payload: string };
const CLOSED = ['withdrawn', 'rejected', 'cancelled', 'settled', 'defaulted'];

/** The supplier-notifications store on knex: the events outbox joined to the supplier's contracts. */
export class KnexSupplierNotificationsStore implements SupplierNotificationsStore {
  constructor(private readonly db: Knex) {}

  /** The supplier's events: only rows whose contract is the supplier's (object-level, in the query itself). */
  private mine(uscc: string, types: readonly string[]) {
    return this.db('events as e')
      .join('contracts as c', 'c.contract_no', 'e.contract_no')
      .where('c.supplier_uscc', uscc)
      .whereIn('e.type', [...types]);
  }

  async events(uscc: string, types: readonly string[], before: { createdAt: number; id: string } | undefined, limit: number): Promise<NotificationEvent[]> {
    const q = this.mine(uscc, types);
    if (before) q.where((w) => w.where('e.created_at', '<', before.createdAt).orWhere((x) => x.where('e.created_at', before.createdAt).andWhere('e.id', '<', before.id)));
    const rows = (await q
      .orderBy([{ column: 'e.created_at', order: 'desc' }, { column: 'e.id', order: 'desc' }])
      .limit(limit)
      .select('e.id', 'e.type', 'e.occurred_at', 'e.created_at', 'e.contract_no', 'e.payload')) as EventRow[];
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: Number(r.occurred_at),
      createdAt: Number(r.created_at),
      contractNo: r.contract_no,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
    }));
  }

  async countSince(uscc: string, types: readonly string[], since: number): Promise<number> {
    const row = (await this.mine(uscc, types).where('e.created_at', '>', since).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async consentsEnding(uscc: string, from: number, to: number): Promise<LiveConsent[]> {
    const rows = (await this.db('applications')
      .where('supplier_uscc', uscc)
      .whereNull('consent_revoked_at')
      .where('consent_expires_at', '>', from)
      .where('consent_expires_at', '<=', to)
      .whereNotIn('status', CLOSED)
      .orderBy([{ column: 'consent_expires_at', order: 'asc' }, { column: 'id', order: 'asc' }])
      .select('id', 'contract_no', 'consent_expires_at')) as { id: string; contract_no: string; consent_expires_at: number | string }[];
    return rows.map((r) => ({ applicationId: r.id, contractNo: r.contract_no, expiresAt: Number(r.consent_expires_at) }));
  }

  async quotesWaiting(uscc: string, now: number): Promise<WaitingQuote[]> {
    const rows = (await this.db('intent_quotes as q')
      .join('financing_intents as i', 'i.id', 'q.intent_id')
      .where('i.supplier_uscc', uscc)
      .where('i.status', 'open')
      .where('i.expires_at', '>', now)
      .where('q.status', 'live')
      .where('q.valid_until', '>', now)
      .orderBy([{ column: 'q.updated_at', order: 'desc' }, { column: 'q.id', order: 'desc' }])
      .limit(100)
      .select('q.id', 'q.revision', 'i.contract_no', 'q.amount_fen', 'q.updated_at')) as {
      id: string;
      revision: number | string;
      contract_no: string;
      amount_fen: number | string;
      updated_at: number | string;
    }[];
    return rows.map((r) => ({ quoteId: r.id, revision: Number(r.revision), contractNo: r.contract_no, amountFen: Number(r.amount_fen), quotedAt: Number(r.updated_at) }));
  }

  async readThrough(uscc: string): Promise<number> {
    const row = (await this.db('supplier_notification_reads').where('supplier_uscc', uscc).first('read_through')) as { read_through: number | string } | undefined;
    return row ? Number(row.read_through) : 0;
  }

  async markRead(uscc: string, through: number, now: number): Promise<void> {
    // One statement; the mark only ever moves forward, even when two marks race.
    await this.db('supplier_notification_reads')
      .insert({ supplier_uscc: uscc, read_through: through, updated_at: now })
      .onConflict('supplier_uscc')
      .merge({ read_through: through, updated_at: now })
      .where('supplier_notification_reads.read_through', '<', through);
  }
}
