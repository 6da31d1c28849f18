import type { ConsentPart } from '../financing/financing-store.js';
import type { PublishedEvent } from './published-events.js';

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

/** What one attempt left behind: the attempt, and where the delivery goes from there. */
export interface AttemptOutcome {
  claim: ClaimedDelivery;
  attempt: Omit<Attempt, 'deliveryId' | 'attempt'>;
  next: { status: DeliveryStatus; nextAttemptAt: number | null; deliveredAt?: number; disableEndpoint?: string };
}

/** Where and with which secrets an institution's webhooks go. */
export interface Endpoint {
  url: string | null;
  /** The current secret first; the previous one while the rotation's overlap lasts. */
  secrets: string[];
  active: boolean;
  disabled: boolean;
}

/** A domain event as the outbox keeps it: private to the gateway, the source of the published deliveries. */
export interface OutboxRecord {
  id: string;
  type: string;
  occurredAt: number;
  contractNo: string | null;
  payload: unknown;
  createdAt: number;
}

/** One published event for one institution, as the fan-out planned it. */
export interface PlannedDelivery {
  /** The published event id (also the `webhook-id`). */
  id: string;
  institutionId: string;
  /** The outbox record it announces. */
  eventId: string;
  /** The application it is about; null for marketplace events, which come before any application. */
  applicationId: string | null;
  type: string;
  /** The exact JSON served and sent, so every redelivery is byte-identical. */
  body: string;
  /** `not_sent` for an institution without an active webhook endpoint: it reads the event from its feed. */
  status: 'pending' | 'not_sent';
  nextAttemptAt: number | null;
  createdAt: number;
}

/** An application as fan-out sees it: whose consent, to what, and the loan figures events carry. */
export interface ConsentHolder {
  applicationId: string;
  institutionId: string;
  contractNo: string;
  supplierUscc: string;
  status: string;
  parts: ConsentPart[];
  expiresAt: number;
  revokedAt: number | null;
  loanNo: string | null;
  disbursedFen: number;
  repaidFen: number;
}

/**
 * The outbox (`events`), the per-institution feed and webhook queue (`event_deliveries`, `webhook_attempts`)
 * and the endpoints' state: the one store that writes them. Bound to a transaction, its outbox half runs in
 * the transaction of the change an event announces.
 */
export interface EventsStore {
  /** Which of these outbox ids are recorded already. */
  recorded(ids: readonly string[]): Promise<Set<string>>;
  /** The applications on these contracts or of these suppliers, whatever their consent. */
  consentHolders(q: { contractNos: readonly string[]; supplierUsccs: readonly string[] }): Promise<ConsentHolder[]>;
  /** Each contract's amount less every payment recorded so far, in fen. */
  unpaidBalances(contractNos: readonly string[]): Promise<Map<string, number>>;
  /** Those of these institutions that are active and have a webhook URL. */
  sendable(institutionIds: readonly string[]): Promise<Set<string>>;
  /** Writes outbox records and their deliveries (ignoring ids already written). */
  append(records: readonly OutboxRecord[], deliveries: readonly PlannedDelivery[]): Promise<void>;

  /** An institution's events after `afterSeq`, oldest first. */
  feed(institutionId: string, afterSeq: number, limit: number): Promise<Delivery[]>;
  /** An institution's deliveries, newest first, before `beforeSeq`. */
  deliveries(institutionId: string, q: { beforeSeq?: number; eventId?: string; status?: DeliveryStatus; limit: number }): Promise<Delivery[]>;
  /** The attempts of these deliveries, oldest first. */
  attempts(deliveryIds: readonly string[]): Promise<Attempt[]>;
  /** One delivery of an institution; undefined when it is not theirs. */
  get(institutionId: string, id: string): Promise<Delivery | undefined>;
  /** Queues a delivery again from the first attempt, and enables the endpoint again. */
  redeliver(institutionId: string, id: string, now: number): Promise<void>;
  /** The endpoints of these institutions. */
  endpoints(institutionIds: readonly string[], now: number): Promise<Map<string, Endpoint>>;
  /** Claims up to `limit` due deliveries for `leaseMs`: each is this claimer's until then, and due again after. */
  claim(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records attempts and their consequences, in one transaction; a claim that lapsed meanwhile moves nothing. */
  complete(outcomes: readonly AttemptOutcome[]): Promise<void>;
  /** Replaces an institution's secret; the old one keeps signing (second) until `overlapUntil`. */
  rotateSecret(institutionId: string, secret: string, overlapUntil: number, now: number): Promise<boolean>;
}
