import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { isValidUscc } from '../../domain/uscc.js';
import { regionCode } from '../regions/regions-schemas.js';
import { isoDate, text, chars } from '../../http/fields.js';

type S = components['schemas'];

/** The kinds of notice, as the spec lists them. */
export const NOTICE_KINDS = specEnum<S['NoticeKind']>()(['policy', 'dishonesty', 'penalty']);
/** The states of a notice, as the spec lists them. */
export const NOTICE_STATUSES = specEnum<S['NoticeStatus']>()(['draft', 'published', 'withdrawn']);

/** Paragraphs: line breaks and tabs kept, no other control or bidirectional-override characters. */
const paragraphs = (max: number) =>
  chars(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(s), 'must not contain control or bidirectional-override characters');

const subject = z.strictObject({
  name: text(200),
  uscc: z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)'),
});

const content = {
  title: text(200),
  body: paragraphs(20_000),
  subject,
  finding: paragraphs(2000).refine((s) => s.trim().length > 0, 'must not be empty'),
  decision_no: text(100),
  period_start: isoDate,
  period_end: isoDate,
};

/** Body of `createNotice`. */
export const createNoticeBody = specBody<'createNotice'>()(
  z.strictObject({
    kind: z.enum(NOTICE_KINDS),
    region_code: regionCode.optional(),
    title: content.title,
    body: content.body.optional(),
    subject: content.subject.optional(),
    finding: content.finding.optional(),
    decision_no: content.decision_no.optional(),
    period_start: content.period_start.optional(),
    period_end: content.period_end.optional(),
  }),
);

/** Body of `updateNotice`: at least one field. */
export const updateNoticeBody = specBody<'updateNotice'>()(
  z
    .strictObject({
      title: content.title.optional(),
      body: content.body.optional(),
      subject: content.subject.optional(),
      finding: content.finding.optional(),
      decision_no: content.decision_no.optional(),
      period_start: content.period_start.optional(),
      period_end: content.period_end.optional(),
    })
    .refine((b) => Object.keys(b).length > 0, 'change at least one field'),
);

/** Body of `withdrawNotice`. */
export const withdrawNoticeBody = specBody<'withdrawNotice'>()(z.strictObject({ reason: text(500) }));

/** Path of the operations on one notice. */
export const noticeIdParams = specPath<'updateNotice' | 'publishNotice' | 'withdrawNotice' | 'getPublicNotice'>()(
  z.strictObject({ noticeId: chars(64) }),
);

/** Query of `listNotices`. */
export const listNoticesQuery = specQuery<'listNotices'>()(
  z.strictObject({ status: z.enum(NOTICE_STATUSES).optional(), kind: z.enum(NOTICE_KINDS).optional(), ...pageQuery }),
);

/** Query of `listPublicNotices`. */
export const listPublicNoticesQuery = specQuery<'listPublicNotices'>()(
  z.strictObject({ kind: z.enum(NOTICE_KINDS).optional(), region: regionCode.optional(), ...pageQuery }),
);

/** Cursor of the notice lists: the time the list is ordered by and the id. */
export const noticeCursor = z.strictObject({ at: z.number().int().min(0), id: chars(64).min(1) });
