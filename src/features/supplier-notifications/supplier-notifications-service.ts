import { epochMs, type Clock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { Transactional } from '../../transactional.js';
import type { NotificationEvent, SupplierNotificationsStore } from './supplier-notifications-store.js';

/** Where the next page of outbox notifications starts. */
export interface NotificationCursor {
  createdAt: number;
  id: string;
}

/** The notification types a supplier sees. */
export type SupplierNotificationType =
  | 'application.approved'
  | 'application.rejected'
  | 'application.cancelled'
  | 'account_lock.confirmed'
  | 'account_lock.failed'
  | 'financing.disbursed'
  | 'financing.settled'
  | 'payment.received'
  | 'consent.expiring'
  | 'quote.received';

/** One notification, in the room's terms. */
export interface SupplierNotification {
  id: string;
  type: SupplierNotificationType;
  at: number;
  /** When the gateway learnt it: what the read mark compares. */
  recordedAt: number;
  contractNo: string;
  applicationId: string | null;
  amountFen?: number;
}

/** Outbox types that concern the supplier, and the notification each becomes. */
const FROM_OUTBOX: Record<string, SupplierNotificationType> = {
  'application.approved': 'application.approved',
  'application.rejected': 'application.rejected',
  'application.cancelled': 'application.cancelled',
  'account_lock.confirmed': 'account_lock.confirmed',
  'account_lock.failed': 'account_lock.failed',
  'financing.disbursed': 'financing.disbursed',
  'financing.settled': 'financing.settled',
  'payment.made': 'payment.received',
};
const OUTBOX_TYPES = Object.keys(FROM_OUTBOX);
const DAY_MS = 86_400_000;
/** How long before a consent ends the supplier is told. */
export const CONSENT_WARNING_MS = 7 * DAY_MS;

function fromEvent(e: NotificationEvent): SupplierNotification {
  const p = e.payload;
  const payment = e.type === 'payment.made' && typeof p.payment === 'object' && p.payment !== null ? (p.payment as { amountFen?: unknown }) : undefined;
  const amount = payment ? payment.amountFen : p.amount;
  return {
    id: e.id,
    type: FROM_OUTBOX[e.type]!,
    at: e.occurredAt,
    recordedAt: e.createdAt,
    contractNo: e.contractNo,
    applicationId: typeof p.application_id === 'string' ? p.application_id : null,
    ...(typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 ? { amountFen: amount } : {}),
  };
}

/** The signed-in supplier's notifications and its read mark. Every call is scoped to one supplier's USCC. */
export class SupplierNotificationsService {
  constructor(
    private readonly tx: Transactional<{ notifications: SupplierNotificationsStore }>,
    private readonly clock: Clock,
  ) {}

  /**
   * What stands now and is not in the outbox: consents ending within 7 days, and banks' quotes the supplier can
   * still accept (each revision anew). They lead the first page, newest first, for as long as they stand.
   */
  private async standing(notifications: SupplierNotificationsStore, uscc: string, now: number): Promise<SupplierNotification[]> {
    const [ending, quotes] = await Promise.all([notifications.consentsEnding(uscc, now, now + CONSENT_WARNING_MS), notifications.quotesWaiting(uscc, now)]);
    const items = [
      ...ending.map(
        (c): SupplierNotification => ({
          id: `consent-expiring:${c.applicationId}`,
          type: 'consent.expiring',
          at: c.expiresAt - CONSENT_WARNING_MS,
          recordedAt: Math.max(0, c.expiresAt - CONSENT_WARNING_MS),
          contractNo: c.contractNo,
          applicationId: c.applicationId,
        }),
      ),
      ...quotes.map(
        (q): SupplierNotification => ({
          id: `quote:${q.quoteId}:${q.revision}`,
          type: 'quote.received',
          at: q.quotedAt,
          recordedAt: q.quotedAt,
          contractNo: q.contractNo,
          applicationId: null,
          amountFen: q.amountFen,
        }),
      ),
    ];
    return items.sort((a, b) => b.recordedAt - a.recordedAt);
  }

  /** One page, newest first; what stands now (consents ending, quotes waiting) leads the first page. */
  async list(
    uscc: string,
    before: NotificationCursor | undefined,
    limit: number,
  ): Promise<Page<SupplierNotification & { read: boolean }> & { unread: number; cursor: NotificationCursor | undefined }> {
    const now = epochMs(this.clock);
    return this.tx(async ({ notifications }) => {
      const readThrough = await notifications.readThrough(uscc);
      const page = await readPage(limit, (n) => notifications.events(uscc, OUTBOX_TYPES, before, n));
      const standing = await this.standing(notifications, uscc, now);
      const unread = (await notifications.countSince(uscc, OUTBOX_TYPES, readThrough)) + standing.filter((c) => c.recordedAt > readThrough).length;
      const items = [...(before ? [] : standing), ...page.items.map(fromEvent)].map((x) => ({ ...x, read: x.recordedAt <= readThrough }));
      const last = page.items.at(-1);
      return { items, more: page.more, unread, cursor: last && { createdAt: last.createdAt, id: last.id } };
    });
  }

  /** Marks read what happened at or before `through` (default now); a moment in the future is refused. */
  async markRead(uscc: string, through: number | undefined): Promise<number> {
    const now = epochMs(this.clock);
    if (through !== undefined && through > now) throw new ValidationError([{ in: 'body', pointer: '/through', detail: 'must not be in the future' }]);
    return this.tx(async ({ notifications }) => {
      await notifications.markRead(uscc, through ?? now, now);
      const mark = await notifications.readThrough(uscc);
      const standing = await this.standing(notifications, uscc, now);
      return (await notifications.countSince(uscc, OUTBOX_TYPES, mark)) + standing.filter((c) => c.recordedAt > mark).length;
    });
  }
}
