import type { Knex } from 'knex';
import type { Change } from '../../../adapters/procurement-cloud.js';
import { isPostgres } from '../../db/knex.js';
import type { OutboxEvent } from '../sync/ingest.js';
import {
  contractEventData,
  LIVE_FINANCING_STATUSES,
  publishedEventId,
  publishedTypeOf,
  type PublishedEvent,
  type PublishedEventType,
} from './published-events.js';

// Any constant shared by every writer of event_deliveries; see insertDeliveries.
const FEED_LOCK_KEY = 0x7a63_6465; // "zcde"
const CHUNK = 400;

/** A row of `event_deliveries` as written by the fan-out. */
interface DeliveryRow {
  id: string;
  institution_id: string;
  event_id: string;
  application_id: string | null;
  type: string;
  body: string;
  status: 'pending' | 'not_sent';
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
}

interface ApplicationRow {
  id: string;
  institution_id: string;
  contract_no: string;
  supplier_uscc: string;
  status: string;
  consent_parts: string;
  loan_no: string | null;
  disbursed_fen: number | string;
  repaid_fen: number | string;
}

async function inChunks<T, R>(items: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await fn(items.slice(i, i + CHUNK))));
  return out;
}

/**
 * Decides who receives an outbox event and writes one delivery row per receiver, in the transaction that wrote
 * the event: so "entitled" means entitled at the moment of the change (consent live, covering the part), and
 * a crash can never leave an event without its deliveries.
 */
export class EventFanOut {
  constructor(private readonly now: () => number = Date.now) {}

  /** An event of the financing lifecycle: it goes to the application's institution. */
  async applicationEvent(
    trx: Knex,
    e: { id: string; type: string; occurredAt: string; institutionId: string; applicationId: string; data: Record<string, unknown> },
  ): Promise<void> {
    const sendable = await this.sendable(trx, [e.institutionId]);
    await this.insert(trx, [this.row(sendable, e.id, e.type as PublishedEventType, e.occurredAt, e.institutionId, e.applicationId, e.data)]);
  }

  /** The sync's changes: each to the institutions holding an application with live consent covering its part. */
  async changes(trx: Knex, events: readonly OutboxEvent[]): Promise<number> {
    const contractNos = [...new Set(events.flatMap((e) => (e.contractNo ? [e.contractNo] : [])))];
    const usccs = [...new Set(events.flatMap((e) => (e.payload.type === 'supplier_risk_flag.added' ? [e.payload.flag.uscc] : e.payload.type === 'supplier_risk_flag.lifted' ? [e.payload.uscc] : [])))];
    if (contractNos.length === 0 && usccs.length === 0) return 0;
    const now = this.now();
    const live = (q: Knex.QueryBuilder) =>
      q
        .select('id', 'institution_id', 'contract_no', 'supplier_uscc', 'status', 'consent_parts', 'loan_no', 'disbursed_fen', 'repaid_fen')
        .whereNot('status', 'withdrawn')
        .whereNull('consent_revoked_at')
        .where('consent_expires_at', '>', now);
    const byContract = await inChunks(contractNos, (chunk) => live(trx('applications').whereIn('contract_no', chunk)) as Promise<ApplicationRow[]>);
    const byUscc = await inChunks(usccs, (chunk) => live(trx('applications').whereIn('supplier_uscc', chunk)) as Promise<ApplicationRow[]>);
    if (byContract.length === 0 && byUscc.length === 0) return 0;
    const group = (rows: ApplicationRow[], key: (r: ApplicationRow) => string) => {
      const m = new Map<string, ApplicationRow[]>();
      for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
      return m;
    };
    const appsByContract = group(byContract, (r) => r.contract_no);
    const appsByUscc = group(byUscc, (r) => r.supplier_uscc);
    const balances = await this.unpaidAfterEachPayment(trx, events, appsByContract);
    const sendable = await this.sendable(trx, [...new Set([...byContract, ...byUscc].map((a) => a.institution_id))]);

    const rows: DeliveryRow[] = [];
    for (const e of events) {
      const change = e.payload;
      const { type, part } = publishedTypeOf(change.type);
      const uscc = change.type === 'supplier_risk_flag.added' ? change.flag.uscc : change.type === 'supplier_risk_flag.lifted' ? change.uscc : undefined;
      const apps = uscc ? (appsByUscc.get(uscc) ?? []) : e.contractNo ? (appsByContract.get(e.contractNo) ?? []) : [];
      for (const a of apps) {
        if (!a.consent_parts.split(',').includes(part)) continue;
        if (change.type === 'payment.made' && !(LIVE_FINANCING_STATUSES as readonly string[]).includes(a.status)) continue;
        const data = contractEventData(change, { applicationId: a.id, contractNo: a.contract_no }, {
          contractUnpaidFen: balances.get(e.id),
          loanOutstandingFen: Number(a.disbursed_fen) - Number(a.repaid_fen),
          loanNo: a.loan_no,
        });
        rows.push(this.row(sendable, e.id, type, e.occurredAt, a.institution_id, a.id, data));
      }
    }
    await this.insert(trx, rows);
    return rows.length;
  }

  /** For each payment event on a financed contract: the contract's unpaid balance right after that payment. */
  private async unpaidAfterEachPayment(trx: Knex, events: readonly OutboxEvent[], apps: Map<string, ApplicationRow[]>): Promise<Map<string, number>> {
    const payments = events.filter((e): e is OutboxEvent & { payload: Extract<Change, { type: 'payment.made' }> } => e.payload.type === 'payment.made' && apps.has(e.contractNo ?? ''));
    const out = new Map<string, number>();
    const nos = [...new Set(payments.map((p) => p.contractNo!))];
    if (nos.length === 0) return out;
    // This batch's payments are already written: walk them backwards from the balance now.
    const amounts = new Map(
      ((await trx('contracts').whereIn('contract_no', nos).select('contract_no', 'amount_fen')) as { contract_no: string; amount_fen: number | string }[]).map((r) => [r.contract_no, Number(r.amount_fen)]),
    );
    const paid = new Map(
      ((await trx('payments').whereIn('contract_no', nos).groupBy('contract_no').select('contract_no').sum({ paid: 'amount_fen' })) as { contract_no: string; paid: number | string }[]).map((r) => [r.contract_no, Number(r.paid)]),
    );
    const unpaid = new Map(nos.map((no) => [no, (amounts.get(no) ?? 0) - (paid.get(no) ?? 0)]));
    for (const p of [...payments].reverse()) {
      const no = p.contractNo!;
      out.set(p.id, Math.max(0, unpaid.get(no)!));
      unpaid.set(no, unpaid.get(no)! + p.payload.payment.amountFen);
    }
    return out;
  }

  /**
   * The institutions that get webhooks: active, with a webhook URL. An endpoint disabled by a 410 still gets its
   * deliveries queued; they wait until the institution enables it again with a redelivery.
   */
  private async sendable(trx: Knex, institutionIds: readonly string[]): Promise<Set<string>> {
    const rows = await inChunks(institutionIds, (chunk) =>
      trx('institutions as i')
        .join('clients as c', 'c.client_id', 'i.client_id')
        .whereIn('i.client_id', chunk)
        .where('c.status', 'active')
        .whereNotNull('i.webhook_url')
        .pluck('i.client_id') as Promise<string[]>,
    );
    return new Set(rows);
  }

  private row(
    sendable: Set<string>,
    outboxId: string,
    type: PublishedEventType,
    occurredAt: string,
    institutionId: string,
    applicationId: string,
    data: Record<string, unknown>,
  ): DeliveryRow {
    const id = publishedEventId(outboxId, institutionId, applicationId);
    const event: PublishedEvent = { id, type, timestamp: new Date(occurredAt).toISOString(), data };
    const send = sendable.has(institutionId);
    const now = this.now();
    return {
      id,
      institution_id: institutionId,
      event_id: outboxId,
      application_id: applicationId,
      type,
      body: JSON.stringify(event),
      status: send ? 'pending' : 'not_sent',
      attempts: 0,
      next_attempt_at: send ? now : null,
      created_at: now,
    };
  }

  private async insert(trx: Knex, rows: DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    // The feed pages by `seq`. On PostgreSQL sequence values are taken before commit, so a reader could see
    // seq 11 committed while 10 is still in flight and page past it for good; holding one lock from the first
    // insert to commit makes seq order commit order. SQLite has a single writer anyway.
    if (isPostgres(trx)) await trx.raw('select pg_advisory_xact_lock(?)', [FEED_LOCK_KEY]);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx('event_deliveries').insert(rows.slice(i, i + CHUNK)).onConflict('id').ignore();
    }
  }
}
