import { isoTime, msOfIso } from '../../clock.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { nextPageToken, pageCursor } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import type { SyncService } from '../sync/sync-service.js';
import type { QuarantineService } from './quarantine-service.js';
import {
  listQuarantinedQuery,
  quarantineCursor,
  upstreamNotificationBody,
  type QuarantinedRecordPageDto,
  type UpstreamNotificationResultDto,
} from './upstream-schemas.js';

/** Pushed notifications from the cloud, and the quarantine bureaus inspect. */
export function createUpstreamRoutes({ sync, quarantine }: { sync: SyncService; quarantine: QuarantineService }) {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/upstream/notifications',
      operationId: 'receiveUpstreamNotification',
      // The JWS is the authentication.
      access: { public: true },
      body: upstreamNotificationBody,
      handler: ({ body }): Promise<UpstreamNotificationResultDto> => sync.receiveNotification(body.jws),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/quarantined-records',
      operationId: 'listQuarantinedRecords',
      access: { scope: 'admin', role: 'viewer' },
      query: listQuarantinedQuery,
      handler: async ({ query, principal }): Promise<QuarantinedRecordPageDto> => {
        if (principal?.kind !== 'bureau') throw new ForbiddenError('bureau_only', 'Only a finance bureau may list quarantined records.');
        const cursor = pageCursor(query.page_token, quarantineCursor);
        // The token keeps the time as the list shows it (ISO 8601), as tokens made before times were stored as numbers did.
        const before = cursor && { receivedAt: msOfIso(cursor.t), id: cursor.id };
        if (before && Number.isNaN(before.receivedAt)) throw new ValidationError([{ in: 'query', pointer: '/page_token', detail: 'not a page token of this list' }]);
        const page = await quarantine.list(principal, { limit: query.page_size, before });
        return {
          items: page.items.map((r) => ({
            id: r.id,
            source: r.source as QuarantinedRecordPageDto['items'][number]['source'],
            change_id: r.changeId,
            reason: r.reason,
            raw_payload: r.rawPayload,
            region_code: r.regionCode,
            received_at: isoTime(r.receivedAt),
          })),
          ...nextPageToken(page, (last) => ({ t: isoTime(last.receivedAt), id: last.id })),
        };
      },
    }),
  ];
}
