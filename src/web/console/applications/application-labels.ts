import type { components } from '../../../generated/openapi.js';
import type { MessageKey } from '../../shared/i18n/messages.js';

type Status = components['schemas']['ApplicationStatus'];

/** Every state an application can be in, in the order of the lifecycle, with its label. */
export const APPLICATION_STATUS_LABEL: Record<Status, MessageKey> = {
  submitted: 'appStatus.submitted',
  under_review: 'appStatus.under_review',
  approved: 'appStatus.approved',
  account_lock_pending: 'appStatus.account_lock_pending',
  account_locked: 'appStatus.account_locked',
  lock_failed: 'appStatus.lock_failed',
  disbursed: 'appStatus.disbursed',
  repaying: 'appStatus.repaying',
  settled: 'appStatus.settled',
  overdue: 'appStatus.overdue',
  defaulted: 'appStatus.defaulted',
  withdrawn: 'appStatus.withdrawn',
  rejected: 'appStatus.rejected',
  cancelled: 'appStatus.cancelled',
  superseded: 'appStatus.superseded',
};

/** Who made a transition (`supplier:<USCC>`, `institution:<id>`, `bureau:<id>`, `cloud`) as a label and its value. */
export function actorLabel(actor: string): { key: MessageKey; id: string } {
  const [kind, ...rest] = actor.split(':');
  const id = rest.join(':');
  if (kind === 'supplier') return { key: 'actor.supplier', id };
  if (kind === 'institution') return { key: 'actor.institution', id };
  if (kind === 'bureau') return { key: 'actor.bureau', id };
  return { key: 'actor.cloud', id };
}
