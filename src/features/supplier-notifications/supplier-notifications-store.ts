/** What happened to one of a supplier's contracts or applications, as the events outbox recorded it. */
export interface NotificationEvent {
  id: string;
  /** The outbox's type: financing types as published, `payment.made` for a treasury payment. */
  type: string;
  occurredAt: number;
  createdAt: number;
  contractNo: string;
  payload: Record<string, unknown>;
}

/** A live consent of one of the supplier's applications. */
export interface LiveConsent {
  applicationId: string;
  contractNo: string;
  expiresAt: number;
}

/** A bank's quote on one of the supplier's open intents that the supplier can still accept. */
export interface WaitingQuote {
  quoteId: string;
  /** Each revision of a quote is news of its own. */
  revision: number;
  contractNo: string;
  amountFen: number;
  /** When the bank made this revision. */
  quotedAt: number;
}

/** The supplier-notifications room's data. */
export interface SupplierNotificationsStore {
  /** The supplier's events of these types, newest first (by recording time, then id), before the cursor. */
  events(uscc: string, types: readonly string[], before: { createdAt: number; id: string } | undefined, limit: number): Promise<NotificationEvent[]>;
  /** How many of the supplier's events of these types were recorded after `since`. */
  countSince(uscc: string, types: readonly string[], since: number): Promise<number>;
  /** The supplier's consents that are not revoked and end in `(from, to]`, on applications still open. */
  consentsEnding(uscc: string, from: number, to: number): Promise<LiveConsent[]>;
  /** Live quotes, valid at `now`, on the supplier's intents still open at `now`; newest revision first. */
  quotesWaiting(uscc: string, now: number): Promise<WaitingQuote[]>;
  /** The supplier's read mark (epoch ms), 0 when never marked. */
  readThrough(uscc: string): Promise<number>;
  /** Moves the supplier's read mark forward to `through` (never back). */
  markRead(uscc: string, through: number, now: number): Promise<void>;
}
