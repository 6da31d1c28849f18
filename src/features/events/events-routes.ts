import { isoTime } from '../../clock.js';
import { nextPageToken, pageCursor } from '../../http/pagination.js';
import { institutionOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import type { DeliveryWithAttempts, EventsService } from './events-service.js';
import {
  deliveryCursor,
  eventParams,
  listDeliveriesQuery,
  listEventsQuery,
  type EventDto,
  type EventFeedDto,
  type WebhookDeliveryDto,
  type WebhookDeliveryPageDto,
} from './events-schemas.js';

const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

/** A delivery on the wire. */
export function deliveryDto(d: DeliveryWithAttempts): WebhookDeliveryDto {
  return {
    event_id: d.id,
    event_type: d.type as WebhookDeliveryDto['event_type'],
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    delivered_at: iso(d.deliveredAt),
    created_at: isoTime(d.createdAt),
    attempt_log: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      at: isoTime(a.startedAt),
      url: a.url,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      outcome: a.outcome,
    })),
  };
}

/** `listEvents`, `listWebhookDeliveries` and `redeliverEvent`, for institutions. */
export function createEventsRoutes({ events }: { events: EventsService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/events',
      operationId: 'listEvents',
      access: { scope: 'institution' },
      query: listEventsQuery,
      handler: async ({ query, principal }): Promise<EventFeedDto> => {
        const page = await events.feed(institutionOf(principal), query.after === undefined ? 0 : Number(query.after), query.limit);
        return { items: page.items.map((d) => d.event as unknown as EventDto), next_after: String(page.nextAfter), has_more: page.more };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhook-deliveries',
      operationId: 'listWebhookDeliveries',
      access: { scope: 'institution' },
      query: listDeliveriesQuery,
      handler: async ({ query, principal }): Promise<WebhookDeliveryPageDto> => {
        const page = await events.deliveries(institutionOf(principal), {
          limit: query.page_size,
          beforeSeq: pageCursor(query.page_token, deliveryCursor)?.s,
          eventId: query.event_id,
          status: query.status,
        });
        return { items: page.items.map(deliveryDto), ...nextPageToken(page, (last) => ({ s: last.seq })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/events/{eventId}/redeliver',
      operationId: 'redeliverEvent',
      access: { scope: 'institution' },
      idempotent: true,
      successStatus: 202,
      params: eventParams,
      handler: async ({ params, principal }): Promise<WebhookDeliveryDto> => deliveryDto(await events.redeliver(institutionOf(principal), params.eventId)),
    }),
  ];
}
