import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { isoTime } from '../../clock.js';
import { timestampMs, chars } from '../../http/fields.js';
import { encodePageToken, pageCursor, pageQuery } from '../../http/pagination.js';
import { supplierOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import { specBody, specQuery } from '../../http/spec-schema.js';
import type { SupplierNotificationsService } from './supplier-notifications-service.js';

type Dto = components['schemas']['SupplierNotification'];

const listQuery = specQuery<'listSupplierNotifications'>()(z.strictObject({ ...pageQuery }));
const readInput = specBody<'markSupplierNotificationsRead'>()(z.strictObject({ through: timestampMs.optional() }));
const cursor = z.strictObject({ created_at: z.number().int().nonnegative(), id: chars(128) });

/** `listSupplierNotifications` and `markSupplierNotificationsRead`: the signed-in supplier's, and only its. */
export function createSupplierNotificationRoutes({ notifications }: { notifications: SupplierNotificationsService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/notifications',
      operationId: 'listSupplierNotifications',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const before = pageCursor(query.page_token, cursor);
        const page = await notifications.list(supplierOf(principal).uscc, before && { createdAt: before.created_at, id: before.id }, query.page_size);
        return {
          items: page.items.map(
            (n): Dto => ({
              id: n.id,
              type: n.type,
              at: isoTime(n.at),
              received_at: isoTime(n.recordedAt),
              contract_no: n.contractNo,
              application_id: n.applicationId,
              ...(n.amountFen !== undefined ? { amount: n.amountFen } : {}),
              read: n.read,
            }),
          ),
          unread_count: page.unread,
          ...(page.more && page.cursor ? { next_page_token: encodePageToken({ created_at: page.cursor.createdAt, id: page.cursor.id }) } : {}),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/notifications/read',
      operationId: 'markSupplierNotificationsRead',
      access: { supplier: true },
      body: readInput,
      handler: async ({ body, principal }) => ({ unread_count: await notifications.markRead(supplierOf(principal).uscc, body?.through) }),
    }),
  ];
}
