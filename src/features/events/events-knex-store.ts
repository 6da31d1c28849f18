import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { bulkInsert } from '../../db/bulk.js';
import { isPostgres } from '../../db/knex.js';
import { columnsOf, PreparedStatements, type Param } from '../../db/prepared.js';
import type { ConsentPart } from '../financing/financing-store.js';
import type {
  Attempt,
  AttemptOutcome,
  ClaimedDelivery,
  ConsentHolder,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EventsStore,
  OutboxRecord,
  PlannedDelivery,
} from './events-store.js';
import type { PublishedEvent } from './published-events.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

// Any constant shared by every writer of event_deliveries; see append().
const FEED_LOCK_KEY = 0x7a63_6465; // "zcde"
const CHUNK = 400;

async function inChunks<T, R>(items: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await fn(items.slice(i, i + CHUNK))));
  return out;
}

const INSERT_EVENT = `insert into events (id, type, occurred_at, contract_no, payload, created_at) values (?, ?, ?, ?, ?, ?)
  on conflict (id) do nothing`;
const INSERT_DELIVERY = `insert into event_deliveries (id, institution_id, event_id, application_id, type, body, status, attempts,
    next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict (id) do nothing`;
const LOCK_FEED = 'select pg_advisory_xact_lock(?)';
// PostgreSQL: a lifecycle event and its delivery in one statement. A WITH that modifies runs once, to completion,
// whether or not the outer insert reads it, so each insert keeps its own ON CONFLICT as when they ran apart.
const INSERT_EVENT_AND_DELIVERY_PG = `with event as (${INSERT_EVENT}) ${INSERT_DELIVERY}`;
// Active, with a webhook URL: one institution per event of the financing lifecycle.
const SENDABLE = `select i.client_id from institutions i join clients c on c.client_id = i.client_id
  where i.client_id = ? and c.status = 'active' and i.webhook_url is not null`;

interface HolderRow {
  id: string;
  institution_id: string;
  contract_no: string;
  supplier_uscc: string;
  status: string;
  consent_parts: string;
  consent_expires_at: number | string;
  consent_revoked_at: number | string | null;
  loan_no: string | null;
  disbursed_fen: number | string;
  repaid_fen: number | string;
}

const toHolder = (r: HolderRow): ConsentHolder => ({
  applicationId: r.id,
  institutionId: r.institution_id,
  contractNo: r.contract_no,
  supplierUscc: r.supplier_uscc,
  status: r.status,
  parts: r.consent_parts ? (r.consent_parts.split(',') as ConsentPart[]) : [],
  expiresAt: Number(r.consent_expires_at),
  revokedAt: r.consent_revoked_at === null ? null : Number(r.consent_revoked_at),
  loanNo: r.loan_no,
  disbursedFen: Number(r.disbursed_fen),
  repaidFen: Number(r.repaid_fen),
});

// Deliveries due at `now` whose endpoint a 410 has not disabled.
const DUE_FROM = `from event_deliveries d left join webhook_endpoints w on w.institution_id = d.institution_id
  where d.status = 'pending' and d.next_attempt_at <= ? and w.disabled_at is null`;
// The oldest due first, at most `limit`.
const DUE = `select d.seq ${DUE_FROM} order by d.next_attempt_at limit ?`;
const ENDPOINTS = `select i.client_id, i.webhook_url, i.webhook_secret, c.status, w.previous_secret, w.previous_secret_until, w.disabled_at
  from institutions i join clients c on c.client_id = i.client_id left join webhook_endpoints w on w.institution_id = i.client_id`;
// The delivered_at of an earlier delivery stays when this attempt did not deliver.
const COMPLETE = `update event_deliveries set status = ?, next_attempt_at = ?, claim_token = null, last_status_code = ?, last_error = ?,
    delivered_at = coalesce(?, delivered_at) where id = ? and claim_token = ?`;
const INSERT_ATTEMPT = `insert into webhook_attempts (delivery_id, attempt, url, started_at, duration_ms, status_code, error, outcome)
  values (?, ?, ?, ?, ?, ?, ?, ?)`;
// PostgreSQL: a round's outcomes in two statements, whatever its size, over one array per column.
const COMPLETE_PG = `update event_deliveries d set status = u.status, next_attempt_at = u.next_attempt_at, claim_token = null,
    last_status_code = u.status_code, last_error = u.error, delivered_at = coalesce(u.delivered_at, d.delivered_at)
  from unnest(?::text[], ?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::text[], ?::text[])
    as u(status, next_attempt_at, status_code, error, delivered_at, id, claim_token)
  where d.id = u.id and d.claim_token = u.claim_token`;
const INSERT_ATTEMPTS_PG = `insert into webhook_attempts (delivery_id, attempt, url, started_at, duration_ms, status_code, error, outcome)
  select * from unnest(?::text[], ?::int[], ?::text[], ?::bigint[], ?::int[], ?::int[], ?::text[], ?::text[])`;
const DISABLE_ENDPOINT = `insert into webhook_endpoints (institution_id, disabled_at, disabled_reason, updated_at) values (?, ?, ?, ?)
  on conflict (institution_id) do update set disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason,
    updated_at = excluded.updated_at`;

interface EndpointRow {
  client_id: string;
  webhook_url: string | null;
  webhook_secret: string;
  status: string;
  previous_secret: string | null;
  previous_secret_until: number | string | null;
  disabled_at: number | string | null;
}

interface ClaimedRow {
  id: string;
  institution_id: string;
  body: string;
  attempts: number;
}

const toClaimed = (r: ClaimedRow, claimToken: string): ClaimedDelivery => ({
  id: r.id,
  institutionId: r.institution_id,
  body: r.body,
  attempt: Number(r.attempts),
  claimToken,
});

const recordRow = (r: OutboxRecord) => ({
  id: r.id,
  type: r.type,
  occurred_at: r.occurredAt,
  contract_no: r.contractNo,
  payload: JSON.stringify(r.payload),
  created_at: r.createdAt,
});

const deliveryRow = (d: PlannedDelivery) => ({
  id: d.id,
  institution_id: d.institutionId,
  event_id: d.eventId,
  application_id: d.applicationId,
  type: d.type,
  body: d.body,
  status: d.status,
  attempts: 0,
  next_attempt_at: d.nextAttemptAt,
  created_at: d.createdAt,
});

interface DeliveryRow {
  seq: number | string;
  id: string;
  institution_id: string;
  type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | string | null;
  last_status_code: number | null;
  delivered_at: number | string | null;
  created_at: number | string;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toDelivery(r: DeliveryRow): Delivery {
  return {
    seq: Number(r.seq),
    id: r.id,
    institutionId: r.institution_id,
    type: r.type,
    event: JSON.parse(r.body) as PublishedEvent,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: num(r.next_attempt_at),
    lastStatusCode: r.last_status_code,
    deliveredAt: num(r.delivered_at),
    createdAt: Number(r.created_at),
  };
}

/**
 * The outbox, the feed, the delivery queue and the endpoints' state in SQL: the only place that writes these
 * tables. Fan-out reads the consent columns of `applications` and the contracts' balances, never writes them.
 */
export class KnexEventsStore implements EventsStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  async recorded(ids: readonly string[]): Promise<Set<string>> {
    return new Set(await inChunks(ids, (chunk) => this.db('events').whereIn('id', chunk).pluck('id') as Promise<string[]>));
  }

  async consentHolders(q: { contractNos: readonly string[]; supplierUsccs: readonly string[] }): Promise<ConsentHolder[]> {
    const columns = ['id', 'institution_id', 'contract_no', 'supplier_uscc', 'status', 'consent_parts', 'consent_expires_at', 'consent_revoked_at', 'loan_no', 'disbursed_fen', 'repaid_fen'];
    const byContract = await inChunks(q.contractNos, (chunk) => this.db('applications').select(columns).whereIn('contract_no', chunk) as Promise<HolderRow[]>);
    const bySupplier = await inChunks(q.supplierUsccs, (chunk) => this.db('applications').select(columns).whereIn('supplier_uscc', chunk) as Promise<HolderRow[]>);
    const seen = new Set<string>();
    return [...byContract, ...bySupplier].filter((r) => !seen.has(r.id) && seen.add(r.id)).map(toHolder);
  }

  async unpaidBalances(contractNos: readonly string[]): Promise<Map<string, number>> {
    if (contractNos.length === 0) return new Map();
    const amounts = await inChunks(contractNos, (chunk) =>
      this.db('contracts').whereIn('contract_no', chunk).select('contract_no', 'amount_fen') as Promise<{ contract_no: string; amount_fen: number | string }[]>,
    );
    const paid = await inChunks(contractNos, (chunk) =>
      this.db('payments').whereIn('contract_no', chunk).groupBy('contract_no').select('contract_no').sum({ paid: 'amount_fen' }) as Promise<
        { contract_no: string; paid: number | string }[]
      >,
    );
    const paidBy = new Map(paid.map((r) => [r.contract_no, Number(r.paid)]));
    return new Map(amounts.map((r) => [r.contract_no, Number(r.amount_fen) - (paidBy.get(r.contract_no) ?? 0)]));
  }

  /**
   * An endpoint disabled by a 410 still counts: its deliveries are queued and wait until the institution enables
   * it again with a redelivery.
   */
  async sendable(institutionIds: readonly string[]): Promise<Set<string>> {
    if (institutionIds.length === 1) return new Set((await this.statements.rows<[string]>(SENDABLE, [institutionIds[0]!])).map((r) => r[0]));
    const rows = await inChunks(institutionIds, (chunk) =>
      this.db('institutions as i')
        .join('clients as c', 'c.client_id', 'i.client_id')
        .whereIn('i.client_id', chunk)
        .where('c.status', 'active')
        .whereNotNull('i.webhook_url')
        .pluck('i.client_id') as Promise<string[]>,
    );
    return new Set(rows);
  }

  async append(records: readonly OutboxRecord[], deliveries: readonly PlannedDelivery[]): Promise<void> {
    if (records.length === 1 && deliveries.length <= 1) {
      // One event of the financing lifecycle: prepared statements instead of built ones.
      const r = records[0]!;
      const event: Param[] = [r.id, r.type, r.occurredAt, r.contractNo, JSON.stringify(r.payload), r.createdAt];
      const d = deliveries[0];
      const delivery: Param[] | undefined = d && [d.id, d.institutionId, d.eventId, d.applicationId, d.type, d.body, d.status, d.nextAttemptAt, d.createdAt];
      if (delivery && !this.statements.sqlite) {
        await this.lockFeed();
        await this.statements.run(INSERT_EVENT_AND_DELIVERY_PG, [...event, ...delivery]);
        return;
      }
      await this.statements.run(INSERT_EVENT, event);
      if (delivery) {
        await this.lockFeed();
        await this.statements.run(INSERT_DELIVERY, delivery);
      }
      return;
    }
    await bulkInsert(this.db, 'events', records.map(recordRow), { target: ['id'], ignore: true });
    if (deliveries.length === 0) return;
    await this.lockFeed();
    await bulkInsert(this.db, 'event_deliveries', deliveries.map(deliveryRow), { target: ['id'], ignore: true });
  }

  /**
   * The feed pages by `seq`. On PostgreSQL sequence values are taken before commit, so a reader could see seq 11
   * committed while 10 is still in flight and page past it for good; holding one lock from the first insert to
   * commit makes seq order commit order. SQLite has a single writer anyway.
   */
  private async lockFeed(): Promise<void> {
    if (isPostgres(this.db)) await this.statements.get(LOCK_FEED, [FEED_LOCK_KEY]);
  }

  /** An institution's events after `afterSeq`, oldest first. */
  async feed(institutionId: string, afterSeq: number, limit: number): Promise<Delivery[]> {
    const rows = (await this.db('event_deliveries').where({ institution_id: institutionId }).where('seq', '>', afterSeq).orderBy('seq').limit(limit)) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** An institution's deliveries, newest first, before `beforeSeq`. */
  async deliveries(institutionId: string, q: { beforeSeq?: number; eventId?: string; status?: DeliveryStatus; limit: number }): Promise<Delivery[]> {
    const query = this.db('event_deliveries').where({ institution_id: institutionId }).orderBy('seq', 'desc').limit(q.limit);
    if (q.beforeSeq !== undefined) query.where('seq', '<', q.beforeSeq);
    if (q.eventId !== undefined) query.where({ id: q.eventId });
    if (q.status !== undefined) query.where({ status: q.status });
    return ((await query) as DeliveryRow[]).map(toDelivery);
  }

  /** The attempts of these deliveries, oldest first. */
  async attempts(deliveryIds: readonly string[]): Promise<Attempt[]> {
    if (deliveryIds.length === 0) return [];
    const rows = (await this.db('webhook_attempts').whereIn('delivery_id', deliveryIds).orderBy('id')) as {
      delivery_id: string;
      attempt: number;
      url: string;
      started_at: number | string;
      duration_ms: number;
      status_code: number | null;
      error: string | null;
      outcome: Attempt['outcome'];
    }[];
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      attempt: r.attempt,
      url: r.url,
      startedAt: Number(r.started_at),
      durationMs: r.duration_ms,
      statusCode: r.status_code,
      error: r.error,
      outcome: r.outcome,
    }));
  }

  /** One delivery of an institution; undefined when it is not theirs. */
  async get(institutionId: string, id: string): Promise<Delivery | undefined> {
    const row = (await this.db('event_deliveries').where({ id, institution_id: institutionId }).first()) as DeliveryRow | undefined;
    return row ? toDelivery(row) : undefined;
  }

  /** Queues a delivery again from the first attempt, and enables the endpoint again. */
  async redeliver(institutionId: string, id: string, now: number): Promise<void> {
    await withTransactionRetry(this.db, async (trx) => {
      await trx('event_deliveries')
        .where({ id, institution_id: institutionId })
        .update({ status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null });
      await trx('webhook_endpoints').where({ institution_id: institutionId }).update({ disabled_at: null, disabled_reason: null, updated_at: now });
    });
  }

  /** The endpoints of these institutions. */
  async endpoints(institutionIds: readonly string[], now: number): Promise<Map<string, Endpoint>> {
    const ids = [...new Set(institutionIds)];
    const rows =
      ids.length === 1
        ? await this.statements.all<EndpointRow>(`${ENDPOINTS} where i.client_id = ?`, ids)
        : ((await this.db('institutions as i')
            .join('clients as c', 'c.client_id', 'i.client_id')
            .leftJoin('webhook_endpoints as w', 'w.institution_id', 'i.client_id')
            .whereIn('i.client_id', ids)
            .select('i.client_id', 'i.webhook_url', 'i.webhook_secret', 'c.status', 'w.previous_secret', 'w.previous_secret_until', 'w.disabled_at')) as EndpointRow[]);
    return new Map(
      rows.map((r) => [
        r.client_id,
        {
          url: r.webhook_url,
          secrets: [r.webhook_secret, ...(r.previous_secret && Number(r.previous_secret_until) > now ? [r.previous_secret] : [])],
          active: r.status === 'active',
          disabled: r.disabled_at !== null,
        },
      ]),
    );
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs`: each is this dispatcher's until then, and due again
   * after (a dispatcher that died mid-send). On PostgreSQL concurrent claimers skip each other's locked rows.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const token = randomUUID();
    if (isPostgres(this.db)) {
      const rows = await this.statements.all<ClaimedRow>(
        `update event_deliveries set next_attempt_at = ?, claim_token = ?, attempts = attempts + 1
         where seq in (${DUE} for update of d skip locked)
         returning id, institution_id, body, attempts`,
        [now + leaseMs, token, now, limit],
      );
      return rows.map((r) => toClaimed(r, token));
    }
    // SQLite: look first, so an idle dispatcher never takes the single write lock; then one UPDATE, atomic, whose
    // re-check of status and due time makes a concurrent claimer's update of the same rows a no-op.
    if ((await this.statements.rows(`select 1 ${DUE_FROM} limit 1`, [now])).length === 0) return [];
    const rows = await this.statements.all<ClaimedRow>(
      `update event_deliveries set next_attempt_at = ?, claim_token = ?, attempts = attempts + 1
       where seq in (${DUE}) and status = 'pending' and next_attempt_at <= ?
       returning id, institution_id, body, attempts`,
      [now + leaseMs, token, now, limit, now],
    );
    return rows.map((r) => toClaimed(r, token));
  }

  /** On SQLite one group-committed batch of prepared statements; on PostgreSQL one transaction. */
  async complete(outcomes: readonly AttemptOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const completions = outcomes.map(({ claim, attempt, next }) => [next.status, next.nextAttemptAt, attempt.statusCode, attempt.error, next.deliveredAt ?? null, claim.id, claim.claimToken]);
    const attempts = outcomes.map(({ claim, attempt }) => [
      claim.id,
      claim.attempt,
      attempt.url.slice(0, 2048),
      attempt.startedAt,
      attempt.durationMs,
      attempt.statusCode,
      attempt.error,
      attempt.outcome,
    ]);
    const disables: Param[][] = outcomes.flatMap(({ claim, attempt, next }) =>
      next.disableEndpoint ? [[claim.institutionId, attempt.startedAt, next.disableEndpoint, attempt.startedAt]] : [],
    );
    if (this.statements.sqlite) {
      await this.statements.batched((s) => {
        completions.forEach((completion, i) => {
          s.run(COMPLETE, completion);
          s.run(INSERT_ATTEMPT, attempts[i]!);
        });
        for (const d of disables) s.run(DISABLE_ENDPOINT, d);
      });
      return;
    }
    await withTransactionRetry(this.db, async (trx) => {
      const inTx = new PreparedStatements(trx);
      await inTx.run(COMPLETE_PG, columnsOf(completions));
      await inTx.run(INSERT_ATTEMPTS_PG, columnsOf(attempts));
      for (const d of disables) await inTx.run(DISABLE_ENDPOINT, d);
    });
  }

  /** Replaces an institution's secret; the old one keeps signing (second) until `overlapUntil`. */
  async rotateSecret(institutionId: string, secret: string, overlapUntil: number, now: number): Promise<boolean> {
    return withTransactionRetry(this.db, async (trx) => {
      const row = (await trx('institutions').where({ client_id: institutionId }).first('webhook_secret')) as { webhook_secret: string } | undefined;
      if (!row) return false;
      await trx('institutions').where({ client_id: institutionId }).update({ webhook_secret: secret, updated_at: now });
      await trx('webhook_endpoints')
        .insert({ institution_id: institutionId, previous_secret: row.webhook_secret, previous_secret_until: overlapUntil, updated_at: now })
        .onConflict('institution_id')
        .merge(['previous_secret', 'previous_secret_until', 'updated_at']);
      return true;
    });
  }
}
