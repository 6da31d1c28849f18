import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isPostgres } from '../../db/knex.js';
import type { PublishedEvent } from './published-events.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

/** Where one event stands for its institution's endpoint. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'not_sent';

/** One event of an institution's feed, with its delivery state. */
export interface Delivery {
  seq: number;
  id: string;
  institutionId: string;
  type: string;
  event: PublishedEvent;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

/** One attempt to deliver an event. */
export interface Attempt {
  deliveryId: string;
  attempt: number;
  url: string;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: 'delivered' | 'retry' | 'failed' | 'disabled';
}

/** A delivery a dispatcher claimed: sent only by the claimer until the lease ends. */
export interface ClaimedDelivery {
  id: string;
  institutionId: string;
  body: string;
  /** This attempt's number (1-based). */
  attempt: number;
  claimToken: string;
}

/** Where and with which secrets an institution's webhooks go. */
export interface Endpoint {
  url: string | null;
  /** The current secret first; the previous one while the rotation's overlap lasts. */
  secrets: string[];
  active: boolean;
  disabled: boolean;
}

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

/** The feed, the delivery queue and the endpoints' state in SQL; the only place that knows these tables. */
export class KnexEventsStore {
  constructor(readonly db: Knex) {}

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

  /** The endpoint of an institution. */
  async endpoint(institutionId: string, now: number): Promise<Endpoint | undefined> {
    return (await this.endpoints([institutionId], now)).get(institutionId);
  }

  /** The endpoints of these institutions. */
  async endpoints(institutionIds: readonly string[], now: number): Promise<Map<string, Endpoint>> {
    const rows = (await this.db('institutions as i')
      .join('clients as c', 'c.client_id', 'i.client_id')
      .leftJoin('webhook_endpoints as w', 'w.institution_id', 'i.client_id')
      .whereIn('i.client_id', [...new Set(institutionIds)])
      .select('i.client_id', 'i.webhook_url', 'i.webhook_secret', 'c.status', 'w.previous_secret', 'w.previous_secret_until', 'w.disabled_at')) as {
      client_id: string;
      webhook_url: string | null;
      webhook_secret: string;
      status: string;
      previous_secret: string | null;
      previous_secret_until: number | string | null;
      disabled_at: number | string | null;
    }[];
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
    const due = this.db('event_deliveries as d')
      .leftJoin('webhook_endpoints as w', 'w.institution_id', 'd.institution_id')
      .where('d.status', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .whereNull('w.disabled_at')
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .select('d.seq');
    if (isPostgres(this.db)) {
      const rows = await this.db.raw(
        `update event_deliveries set next_attempt_at = ?, claim_token = ?, attempts = attempts + 1
         where seq in (${due.toQuery()} for update of d skip locked)
         returning id, institution_id, body, attempts`,
        [now + leaseMs, token],
      );
      return (rows.rows as { id: string; institution_id: string; body: string; attempts: number }[]).map((r) => ({
        id: r.id,
        institutionId: r.institution_id,
        body: r.body,
        attempt: r.attempts,
        claimToken: token,
      }));
    }
    // SQLite: look first, so an idle dispatcher never takes the single write lock; then one UPDATE, atomic, whose
    // re-check of status and due time makes a concurrent claimer's update of the same rows a no-op.
    const seqs = ((await due) as { seq: number | string }[]).map((r) => Number(r.seq));
    if (seqs.length === 0) return [];
    await this.db('event_deliveries')
      .whereIn('seq', seqs)
      .where('status', 'pending')
      .where('next_attempt_at', '<=', now)
      .update({ next_attempt_at: now + leaseMs, claim_token: token, attempts: this.db.raw('attempts + 1') });
    const rows = (await this.db('event_deliveries').where({ claim_token: token }).select('id', 'institution_id', 'body', 'attempts')) as {
      id: string;
      institution_id: string;
      body: string;
      attempts: number;
    }[];
    return rows.map((r) => ({ id: r.id, institutionId: r.institution_id, body: r.body, attempt: r.attempts, claimToken: token }));
  }

  /** Records an attempt and its consequence, if the claim is still this dispatcher's. */
  async complete(
    claim: ClaimedDelivery,
    attempt: Omit<Attempt, 'deliveryId' | 'attempt'>,
    next: { status: DeliveryStatus; nextAttemptAt: number | null; deliveredAt?: number; disableEndpoint?: string },
  ): Promise<boolean> {
    return withTransactionRetry(this.db, async (trx) => {
      const updated = await trx('event_deliveries')
        .where({ id: claim.id, claim_token: claim.claimToken })
        .update({
          status: next.status,
          next_attempt_at: next.nextAttemptAt,
          claim_token: null,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          ...(next.deliveredAt !== undefined ? { delivered_at: next.deliveredAt } : {}),
        });
      await trx('webhook_attempts').insert({
        delivery_id: claim.id,
        attempt: claim.attempt,
        url: attempt.url.slice(0, 2048),
        started_at: attempt.startedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        error: attempt.error,
        outcome: attempt.outcome,
      });
      if (next.disableEndpoint) {
        await trx('webhook_endpoints')
          .insert({ institution_id: claim.institutionId, disabled_at: attempt.startedAt, disabled_reason: next.disableEndpoint, updated_at: attempt.startedAt })
          .onConflict('institution_id')
          .merge(['disabled_at', 'disabled_reason', 'updated_at']);
      }
      return updated === 1;
    });
  }

  /** Replaces an institution's secret; the old one keeps signing (second) until `overlapUntil`. */
  async rotateSecret(institutionId: string, secret: string, overlapUntil: number, now: number): Promise<boolean> {
    return withTransactionRetry(this.db, async (trx) => {
      const row = (await trx('institutions').where({ client_id: institutionId }).first('webhook_secret')) as { webhook_secret: string } | undefined;
      if (!row) return false;
      await trx('institutions').where({ client_id: institutionId }).update({ webhook_secret: secret, updated_at: new Date(now).toISOString() });
      await trx('webhook_endpoints')
        .insert({ institution_id: institutionId, previous_secret: row.webhook_secret, previous_secret_until: overlapUntil, updated_at: now })
        .onConflict('institution_id')
        .merge(['previous_secret', 'previous_secret_until', 'updated_at']);
      return true;
    });
  }
}
