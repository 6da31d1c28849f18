import type { Change } from '../../../adapters/procurement-cloud.js';
import { isoTime } from '../../clock.js';
import type { ConsentHolder, PlannedDelivery } from './events-store.js';
import {
  contractEventData,
  LIVE_FINANCING_STATUSES,
  publishedEventId,
  publishedTypeOf,
  type ApplicationEventType,
  type MarketplaceEventType,
  type PublishedEvent,
  type PublishedEventType,
} from './published-events.js';

/** An event of the financing lifecycle: it goes to the application's institution. */
export interface ApplicationOutboxEvent {
  kind: 'application';
  id: string;
  type: ApplicationEventType;
  occurredAt: number;
  institutionId: string;
  applicationId: string;
  data: Record<string, unknown>;
}

/** An event of the financing marketplace: it goes to each institution named, with no application behind it yet. */
export interface MarketOutboxEvent {
  kind: 'market';
  id: string;
  type: MarketplaceEventType;
  occurredAt: number;
  institutionIds: readonly string[];
  data: Record<string, unknown>;
}

/** A change the sync applied: it goes to each institution whose live consent covers its part. */
export interface ChangeOutboxEvent {
  kind: 'change';
  id: string;
  occurredAt: number;
  contractNo: string | null;
  change: Change;
}

/** An event addressed to chosen applications' institutions, each with its own data (supervision's events). */
export interface TargetedOutboxEvent {
  kind: 'targeted';
  id: string;
  type: PublishedEventType;
  occurredAt: number;
  targets: { institutionId: string; applicationId: string; data: Record<string, unknown> }[];
}

/** An outbox event to fan out. */
export type FanOutEvent = ApplicationOutboxEvent | MarketOutboxEvent | ChangeOutboxEvent | TargetedOutboxEvent;

/** The supplier a risk-flag change is about. */
export function flaggedSupplier(change: Change): string | undefined {
  if (change.type === 'supplier_risk_flag.added') return change.flag.uscc;
  if (change.type === 'supplier_risk_flag.lifted') return change.uscc;
  return undefined;
}

/** A consent that lets its institution receive events now: not withdrawn, not revoked, not expired. */
export function consentLive(h: Pick<ConsentHolder, 'status' | 'revokedAt' | 'expiresAt'>, now: number): boolean {
  return h.status !== 'withdrawn' && h.revokedAt === null && h.expiresAt > now;
}

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * For each payment event on a contract someone holds consent to: the contract's unpaid balance right after that
 * payment. The events' payments are recorded already, so the balances walk back from the balance now.
 */
function unpaidAfterEachPayment(events: readonly FanOutEvent[], watched: ReadonlySet<string>, unpaidNow: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const unpaid = new Map(unpaidNow);
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind !== 'change' || e.change.type !== 'payment.made' || !e.contractNo || !watched.has(e.contractNo)) continue;
    const balance = unpaid.get(e.contractNo) ?? 0;
    out.set(e.id, Math.max(0, balance));
    unpaid.set(e.contractNo, balance + e.change.payment.amountFen);
  }
  return out;
}

/**
 * Who receives each outbox event, and the exact event each receives. Pure: the same events, consents and
 * endpoints always plan the same deliveries, which is what lets a page be re-run and a test run without a
 * database. "Entitled" means entitled at `now`, the moment of the change: the caller reads `holders` and
 * `sendable` in the transaction that writes the events.
 *
 * - A lifecycle event goes to its application's institution.
 * - A marketplace event goes to each institution it names (every bank of the region, or the declined ones).
 * - A contract change goes to each application on the contract (a risk flag: on the supplier) whose consent is
 *   live and covers the change's part; a payment only to a live financing, with the balances after it.
 * - An institution without an active webhook endpoint gets the event in its feed, marked `not_sent`.
 */
export function planDeliveries(
  events: readonly FanOutEvent[],
  holders: readonly ConsentHolder[],
  sendable: ReadonlySet<string>,
  unpaidNow: ReadonlyMap<string, number>,
  now: number,
): PlannedDelivery[] {
  const live = holders.filter((h) => consentLive(h, now));
  const byContract = group(live, (h) => h.contractNo);
  const bySupplier = group(live, (h) => h.supplierUscc);
  const balances = unpaidAfterEachPayment(events, new Set(byContract.keys()), unpaidNow);
  const delivery = (e: FanOutEvent, type: PublishedEventType, institutionId: string, applicationId: string | null, data: Record<string, unknown>): PlannedDelivery => {
    const id = publishedEventId(e.id, institutionId, applicationId);
    const event: PublishedEvent = { id, type, timestamp: isoTime(e.occurredAt), data };
    const send = sendable.has(institutionId);
    return {
      id,
      institutionId,
      eventId: e.id,
      applicationId,
      type,
      body: JSON.stringify(event),
      status: send ? 'pending' : 'not_sent',
      nextAttemptAt: send ? now : null,
      createdAt: now,
    };
  };

  const out: PlannedDelivery[] = [];
  for (const e of events) {
    if (e.kind === 'application') {
      out.push(delivery(e, e.type, e.institutionId, e.applicationId, e.data));
      continue;
    }
    if (e.kind === 'market') {
      for (const institutionId of new Set(e.institutionIds)) out.push(delivery(e, e.type, institutionId, null, e.data));
      continue;
    }
    if (e.kind === 'targeted') {
      for (const t of e.targets) out.push(delivery(e, e.type, t.institutionId, t.applicationId, t.data));
      continue;
    }
    const { type, part } = publishedTypeOf(e.change.type);
    const uscc = flaggedSupplier(e.change);
    const receivers = uscc ? (bySupplier.get(uscc) ?? []) : e.contractNo ? (byContract.get(e.contractNo) ?? []) : [];
    for (const h of receivers) {
      if (!h.parts.includes(part)) continue;
      if (e.change.type === 'payment.made' && !(LIVE_FINANCING_STATUSES as readonly string[]).includes(h.status)) continue;
      const data = contractEventData(e.change, { applicationId: h.applicationId, contractNo: h.contractNo }, {
        contractUnpaidFen: balances.get(e.id),
        loanOutstandingFen: h.disbursedFen - h.repaidFen,
        loanNo: h.loanNo,
      });
      out.push(delivery(e, type, h.institutionId, h.applicationId, data));
    }
  }
  return out;
}
