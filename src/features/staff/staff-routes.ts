import type { components } from '../../generated/openapi.js';
import { afterCursor, nextPageToken, pageCursor } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { defineRoute } from '../../http/route.js';
import { createStaffBody, listStaffQuery, staffIdParams, updateStaffBody } from './staff-schemas.js';
import type { StaffActor, StaffService } from './staff-service.js';
import type { StaffMember } from './staff-store.js';

type Schemas = components['schemas'];

/** A member of staff on the wire. */
export const staffDto = (m: StaffMember): Schemas['Staff'] => ({
  id: m.id,
  issuer: m.issuer,
  subject: m.subject,
  name: m.name,
  role: m.role,
  bureau: { client_id: m.bureau.clientId, region_code: m.bureau.regionCode, name: m.bureau.name },
  created_at: new Date(m.createdAt).toISOString(),
});

/** The actor of a staff operation: the calling bureau, and the person when a member of staff acts. */
export const staffActor = (p: BureauPrincipal & { staffId?: string }): StaffActor => ({ clientId: p.clientId, regionCode: p.regionCode, staffId: p.staffId });

/** `createStaff`, `listStaff`, `updateStaff`, `removeStaff`: an admin manages the staff of its bureau and the bureaus below it. */
export function createStaffRoutes({ staff }: { staff: StaffService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/staff',
      operationId: 'listStaff',
      access: { scope: 'admin', role: 'admin' },
      query: listStaffQuery,
      handler: async ({ principal, query }): Promise<Schemas['StaffPage']> => {
        const page = await staff.list(staffActor(principal as BureauPrincipal), { afterId: pageCursor(query.page_token, afterCursor)?.after, limit: query.page_size });
        return { items: page.items.map(staffDto), ...nextPageToken(page, (last) => ({ after: last.id })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/staff',
      operationId: 'createStaff',
      access: { scope: 'admin', role: 'admin' },
      body: createStaffBody,
      successStatus: 201,
      handler: async ({ principal, body }): Promise<Schemas['Staff']> =>
        staffDto(
          await staff.create(staffActor(principal as BureauPrincipal), {
            regionCode: body.region_code,
            subject: body.subject,
            name: body.name,
            role: body.role,
            issuer: body.issuer,
          }),
        ),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/staff/{staffId}',
      operationId: 'updateStaff',
      access: { scope: 'admin', role: 'admin' },
      params: staffIdParams,
      body: updateStaffBody,
      handler: async ({ principal, params, body }): Promise<Schemas['Staff']> =>
        staffDto(await staff.changeRole(staffActor(principal as BureauPrincipal), params.staffId, body.role)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/admin/staff/{staffId}',
      operationId: 'removeStaff',
      access: { scope: 'admin', role: 'admin' },
      params: staffIdParams,
      successStatus: 204,
      handler: async ({ principal, params, res }) => {
        await staff.remove(staffActor(principal as BureauPrincipal), params.staffId);
        res.status(204).end();
      },
    }),
  ];
}
