import type { Application, Disbursement, Repayment, Transition } from './financing-store.js';
import type { ApplicationStatus } from './lifecycle.js';
import type { ReceivedPayment } from './ports.js';

/** What kind of moment a timeline entry is. */
export type TimelineKind = 'status_changed' | 'consent_granted' | 'consent_revoked' | 'disbursement' | 'payment_received' | 'repayment' | 'account_released';

/** One moment of an application's life, as its supplier's timeline shows it. */
export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  status?: ApplicationStatus;
  fromStatus?: ApplicationStatus;
  actor?: string;
  reasonCode?: string;
  amountFen?: number;
}

/** States after which the collection account no longer collects for this financing. */
const ENDS_COLLECTION: ReadonlySet<ApplicationStatus> = new Set(['settled', 'cancelled', 'withdrawn', 'superseded', 'rejected']);

/**
 * The window in which treasury payments on the contract went into the account locked for this financing: from
 * the confirmed lock to the state that ended it (or `now`); undefined when the lock was never confirmed.
 */
export function collectionWindow(transitions: readonly Transition[], now: number): { from: number; to: number } | undefined {
  const locked = transitions.find((t) => t.to === 'account_locked');
  if (!locked) return undefined;
  const ended = transitions.find((t) => t.at >= locked.at && ENDS_COLLECTION.has(t.to));
  return { from: locked.at, to: ended?.at ?? now };
}

/**
 * The supplier's timeline of one application, oldest first: every state entered (a repayment that keeps the
 * state `repaying` shows as the repayment alone), the consent granted with the application and revoked, the
 * money the bank reported, the payments received while the account was locked, and the account's release.
 * Entries at the same instant keep this order: states, consent, money.
 */
export function applicationTimeline(
  a: Pick<Application, 'createdAt' | 'consentRevokedAt' | 'accountReleasedAt'>,
  transitions: readonly Transition[],
  money: { disbursements: readonly Disbursement[]; repayments: readonly Repayment[] },
  payments: readonly ReceivedPayment[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const t of transitions) {
    if (t.from === t.to) continue;
    entries.push({
      at: t.at,
      kind: 'status_changed',
      status: t.to,
      ...(t.from ? { fromStatus: t.from } : {}),
      actor: t.actor,
      ...(t.reasonCode ? { reasonCode: t.reasonCode } : {}),
    });
  }
  entries.push({ at: a.createdAt, kind: 'consent_granted' });
  for (const d of money.disbursements) entries.push({ at: d.at, kind: 'disbursement', amountFen: d.amountFen });
  for (const p of payments) entries.push({ at: p.receivedAt, kind: 'payment_received', amountFen: p.amountFen });
  for (const r of money.repayments) entries.push({ at: r.at, kind: 'repayment', amountFen: r.amountFen });
  if (a.consentRevokedAt !== null) entries.push({ at: a.consentRevokedAt, kind: 'consent_revoked' });
  if (a.accountReleasedAt !== null) entries.push({ at: a.accountReleasedAt, kind: 'account_released' });
  // A stable sort: same-instant entries keep the order above.
  return entries.sort((x, y) => x.at - y.at);
}
