import { ConflictError } from '../../errors.js';

/** Every state of a financing application (DESIGN §2). */
export const APPLICATION_STATUSES = [
  'submitted',
  'under_review',
  'approved',
  'account_lock_pending',
  'account_locked',
  'lock_failed',
  'disbursed',
  'repaying',
  'settled',
  'overdue',
  'defaulted',
  'withdrawn',
  'rejected',
  'cancelled',
  'superseded',
] as const;

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Allowed moves; anything else is a 409 naming the current state. */
const NEXT: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  submitted: ['under_review', 'approved', 'rejected', 'withdrawn', 'superseded'],
  under_review: ['approved', 'rejected', 'withdrawn', 'superseded'],
  approved: ['account_lock_pending', 'cancelled'],
  account_lock_pending: ['account_locked', 'lock_failed', 'cancelled'],
  account_locked: ['disbursed', 'cancelled'],
  lock_failed: [],
  disbursed: ['repaying', 'settled', 'overdue'],
  repaying: ['repaying', 'settled', 'overdue'],
  overdue: ['repaying', 'settled', 'defaulted'],
  defaulted: ['repaying', 'settled'],
  settled: [],
  withdrawn: [],
  rejected: [],
  cancelled: [],
  // Another financing took the contract (its lock confirmed): closed, consent ended.
  superseded: [],
};

/** States in which the application holds the contract's reservation (a live financing). */
export const LIVE_STATUSES: readonly ApplicationStatus[] = [
  'approved',
  'account_lock_pending',
  'account_locked',
  'disbursed',
  'repaying',
  'overdue',
  'defaulted',
];

/** States from which a move to `to` is allowed. */
export function statusesLeadingTo(to: ApplicationStatus): ApplicationStatus[] {
  return APPLICATION_STATUSES.filter((s) => NEXT[s].includes(to));
}

/** Throws the 409 for a move not allowed from `from`. */
export function assertTransition(from: ApplicationStatus, to: ApplicationStatus): void {
  if (!NEXT[from].includes(to)) throw invalidTransition(from, to);
}

/** The 409 a refused transition answers with. */
export function invalidTransition(from: ApplicationStatus, to: ApplicationStatus): ConflictError {
  return new ConflictError('invalid_state', `The application is ${from}; it cannot become ${to}.`, { state: from });
}
