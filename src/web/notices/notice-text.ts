import type { components } from '../../generated/openapi.js';
import type { MessageKey } from '../shared/i18n/messages.js';

/** A published notice as the public interface serves it. */
export type PublicNotice = components['schemas']['PublicNotice'];
/** The kinds of notice. */
export type NoticeKind = components['schemas']['NoticeKind'];

/** Every kind, in the order the filter offers them. */
export const NOTICE_KINDS: readonly NoticeKind[] = ['policy', 'dishonesty', 'penalty'];

/** The label of a kind. */
export const kindLabel = (kind: NoticeKind): MessageKey => `notices.kind.${kind}`;

/** The calendar day (China Standard Time) of an ISO time, `YYYY-MM-DD`: the day bureaus date their notices. */
export function chinaDayOf(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}
