import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

type Schemas = components['schemas'];

/** Query of `listEvents`. */
export const listEventsQuery = specQuery<'listEvents'>()(
  z.strictObject({
    after: z.string().regex(/^[0-9]{1,18}$/).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
);

/** The states of a webhook delivery, as the spec lists them. */
export const WEBHOOK_DELIVERY_STATUSES = specEnum<Schemas['WebhookDeliveryStatus']>()(['pending', 'delivered', 'failed', 'not_sent']);

/** Query of `listWebhookDeliveries`. */
export const listDeliveriesQuery = specQuery<'listWebhookDeliveries'>()(
  z.strictObject({
    event_id: chars(64).optional(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    ...pageQuery,
  }),
);

/** Path of `redeliverEvent`. */
export const eventParams = specPath<'redeliverEvent'>()(z.object({ eventId: chars(64) }));

/** The page token of `listWebhookDeliveries`: the last `seq` shown. */
export const deliveryCursor = z.strictObject({ s: z.number().int().min(0) });

/** One event on the wire. */
export type EventDto = Schemas['Event'];
/** The answer of `listEvents`. */
export type EventFeedDto = Schemas['EventFeed'];
/** One delivery on the wire. */
export type WebhookDeliveryDto = Schemas['WebhookDelivery'];
/** The answer of `listWebhookDeliveries`. */
export type WebhookDeliveryPageDto = Schemas['WebhookDeliveryPage'];
