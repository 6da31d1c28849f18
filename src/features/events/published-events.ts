import { createHash } from 'node:crypto';
import type { Change } from '../../../adapters/procurement-cloud.js';
import type { ConsentPart } from '../financing/financing-store.js';

/** Events the financing lifecycle writes; each goes to the application's institution only. */
export const APPLICATION_EVENT_TYPES = [
  'application.submitted',
  'application.withdrawn',
  'application.approved',
  'application.rejected',
  'application.cancelled',
  'consent.revoked',
  'account_lock.confirmed',
  'account_lock.failed',
  'financing.disbursed',
  'financing.settled',
  'application.superseded',
  'application.deadline_missed',
] as const;

/** Events of the financing marketplace: each goes to the institutions named with it (no application yet). */
export const MARKETPLACE_EVENT_TYPES = ['intent.published', 'quote.declined'] as const;

/** An event type of the financing marketplace. */
export type MarketplaceEventType = (typeof MARKETPLACE_EVENT_TYPES)[number];

/** Events made from the procurement cloud's changes; each goes to the institutions whose consent covers it. */
export const CONTRACT_EVENT_TYPES = [
  'contract.amended',
  'contract.terminated',
  'contract.completed',
  'acceptance.recorded',
  'payment.received',
  'risk_flag.added',
  'risk_flag.lifted',
] as const;

/** Events of supervision: a late payment on a financed contract, a bureau's record about a supplier. */
export const SUPERVISION_EVENT_TYPES = ['payment.overdue', 'notice.published'] as const;

/** An event type of supervision. */
export type SupervisionEventType = (typeof SUPERVISION_EVENT_TYPES)[number];

/** An event type of the financing lifecycle. */
export type ApplicationEventType = (typeof APPLICATION_EVENT_TYPES)[number];

/** Every event type an institution can receive, by webhook and in the feed. */
export type PublishedEventType = ApplicationEventType | MarketplaceEventType | (typeof CONTRACT_EVENT_TYPES)[number] | SupervisionEventType;

/** The published type of an upstream change and the consent part a bank needs to receive it. */
export function publishedTypeOf(change: Change['type']): { type: PublishedEventType; part: ConsentPart } {
  switch (change) {
    // A created change for a contract the gateway knows is a re-delivery, which ingest applies as an amendment.
    case 'contract.created':
    case 'contract.amended':
      return { type: 'contract.amended', part: 'contract' };
    case 'contract.terminated':
      return { type: 'contract.terminated', part: 'contract' };
    case 'contract.completed':
      return { type: 'contract.completed', part: 'contract' };
    case 'acceptance.recorded':
      return { type: 'acceptance.recorded', part: 'acceptances' };
    case 'payment.made':
      return { type: 'payment.received', part: 'payments' };
    case 'supplier_risk_flag.added':
      return { type: 'risk_flag.added', part: 'risk_flags' };
    case 'supplier_risk_flag.lifted':
      return { type: 'risk_flag.lifted', part: 'risk_flags' };
  }
}

/** Statuses in which a financing is live: the lock confirmed and the loan not yet settled or cancelled. */
export const LIVE_FINANCING_STATUSES = ['account_locked', 'disbursed', 'repaying', 'overdue', 'defaulted'] as const;

/**
 * The published id of one event for one institution (and application): stable, so every redelivery and every
 * retry carries the same `webhook-id`, and the outbox row behind it stays private.
 */
export function publishedEventId(outboxId: string, institutionId: string, applicationId: string | null): string {
  const h = createHash('sha256').update(outboxId).update('\n').update(institutionId).update('\n').update(applicationId ?? '').digest('hex');
  return `evt_${h.slice(0, 32)}`;
}

/** The envelope every event is sent and listed in (the Standard Webhooks payload shape, with the id). */
export interface PublishedEvent {
  id: string;
  type: PublishedEventType;
  /** When it happened (ISO 8601 UTC). */
  timestamp: string;
  data: Record<string, unknown>;
}

const dateOf = (iso: string) => iso.slice(0, 10);

/** The data of a contract-level event for one application: only what its consent part covers. */
export function contractEventData(
  change: Change,
  app: { applicationId: string; contractNo: string },
  extra: { contractUnpaidFen?: number; loanOutstandingFen?: number; loanNo?: string | null } = {},
): Record<string, unknown> {
  const base = { application_id: app.applicationId, contract_no: app.contractNo };
  switch (change.type) {
    case 'contract.created':
    case 'contract.amended': {
      const c = change.contract;
      return {
        ...base,
        contract: { amount: c.amountFen, status: c.status, category: c.category, purchaser_name: c.purchaser.name, signed_on: c.signedOn },
      };
    }
    case 'contract.terminated':
      return { ...base, reason: change.reason };
    case 'contract.completed':
      return base;
    case 'acceptance.recorded':
      return { ...base, acceptance: { id: change.acceptance.acceptanceId, accepted_on: dateOf(change.acceptance.acceptedAt), result: change.acceptance.result } };
    case 'payment.made':
      return {
        ...base,
        payment: { id: change.payment.paymentId, paid_on: dateOf(change.payment.paidAt), amount: change.payment.amountFen },
        ...(extra.loanNo ? { loan_no: extra.loanNo } : {}),
        contract_unpaid: extra.contractUnpaidFen ?? 0,
        loan_outstanding: extra.loanOutstandingFen ?? 0,
      };
    case 'supplier_risk_flag.added':
      return { ...base, risk_flag: { id: change.flag.flagId, kind: change.flag.kind, added_on: dateOf(change.flag.recordedAt), note: change.flag.description } };
    case 'supplier_risk_flag.lifted':
      return { ...base, risk_flag: { id: change.flagId, lifted_on: dateOf(change.liftedAt) } };
  }
}
