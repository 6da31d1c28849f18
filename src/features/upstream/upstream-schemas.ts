import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specQuery } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

type Schemas = components['schemas'];

/** The most a pushed notification's JWS may weigh; the cloud sends at most 100 records. */
export const NOTIFICATION_MAX_CHARS = 65_536;

/** Body of `receiveUpstreamNotification`. */
export const upstreamNotificationBody = specBody<'receiveUpstreamNotification'>()(
  z.strictObject({
    jws: z
      .string()
      .min(16)
      .max(NOTIFICATION_MAX_CHARS)
      .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'expected a compact JWS'),
  }),
);

/** Query of `listQuarantinedRecords`. */
export const listQuarantinedQuery = specQuery<'listQuarantinedRecords'>()(z.strictObject({ ...pageQuery }));

/** Cursor of `listQuarantinedRecords`. */
export const quarantineCursor = z.strictObject({ t: chars(40), id: chars(64) });

/** Response of `receiveUpstreamNotification`. */
export type UpstreamNotificationResultDto = Schemas['UpstreamNotificationResult'];
/** One item of `listQuarantinedRecords`. */
export type QuarantinedRecordDto = Schemas['QuarantinedRecord'];
/** Response of `listQuarantinedRecords`. */
export type QuarantinedRecordPageDto = Schemas['QuarantinedRecordPage'];
