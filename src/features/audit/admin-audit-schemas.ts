import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specQuery } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

/** Query of `listAdminAudit`. */
export const listAdminAuditQuery = specQuery<'listAdminAudit'>()(
  z.strictObject({
    action: chars(64).optional(),
    target: chars(64).optional(),
    ...pageQuery,
  }),
);

/** Cursor of the newest-first audit list: the id of the last entry shown. */
export const beforeIdCursor = z.strictObject({ before: z.number().int().min(1) });

export type AdminAuditPageDto = components['schemas']['AdminAuditPage'];
