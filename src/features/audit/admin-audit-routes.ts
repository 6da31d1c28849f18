import { isoTime } from '../../clock.js';
import { nextPageToken, pageCursor, readPage } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { defineRoute } from '../../http/route.js';
import type { RegionService } from '../regions/regions-service.js';
import type { AdminAuditReader } from './admin-audit.js';
import { beforeIdCursor, listAdminAuditQuery, type AdminAuditPageDto } from './admin-audit-schemas.js';

/** A JSON state as the spec has it: an object, or null (anything else is wrapped, so nothing recorded is lost). */
const state = (v: unknown): Record<string, unknown> | null =>
  v === null || v === undefined ? null : typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };

/** `listAdminAudit`: the administrative action log of the bureaus in the caller's subtree. */
export function createAdminAuditRoutes({ audit, regions }: { audit: AdminAuditReader; regions: RegionService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/audit',
      operationId: 'listAdminAudit',
      access: { scope: 'admin', role: 'viewer' },
      query: listAdminAuditQuery,
      handler: async ({ principal, query }): Promise<AdminAuditPageDto> => {
        const bureau = principal as BureauPrincipal;
        const [codes, lineage] = await Promise.all([regions.subtreeCodes(bureau.regionCode), regions.lineageCodes(bureau.regionCode)]);
        const page = await readPage(query.page_size, (limit) =>
          audit.list({
            regions: codes,
            // The operator acts as the root bureau: its CLI entries belong to the root's log.
            includeOperator: lineage.length === 1,
            action: query.action,
            target: query.target,
            beforeId: pageCursor(query.page_token, beforeIdCursor)?.before,
            limit,
          }),
        );
        return {
          items: page.items.map((e) => ({
            id: e.id,
            at: isoTime(e.at),
            actor: e.actor,
            actor_name: e.actorName,
            action: e.action,
            target: e.target,
            before: state(e.before),
            after: state(e.after),
          })),
          ...nextPageToken(page, (last) => ({ before: last.id })),
        };
      },
    }),
  ];
}
