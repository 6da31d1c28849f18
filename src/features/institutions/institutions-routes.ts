import { isoTime } from '../../clock.js';
import { afterCursor, nextPageToken, pageCursor } from '../../http/pagination.js';
import type { BureauPrincipal, InstitutionPrincipal } from '../../http/principal.js';
import { defineRoute } from '../../http/route.js';
import type { InstitutionService } from './institutions-service.js';
import type { Institution } from './institutions-store.js';
import {
  createInstitutionBody,
  institutionParams,
  institutionStatusBody,
  listInstitutionsQuery,
  replaceKeysBody,
  updateInstitutionBody,
  type InstitutionCreatedDto,
  type InstitutionDto,
  type InstitutionPageDto,
} from './institutions-schemas.js';

/** An institution on the wire. */
export const institutionDto = (i: Institution): InstitutionDto => ({
  client_id: i.clientId,
  name: i.name,
  uscc: i.uscc,
  license_no: i.licenseNo,
  type: i.type,
  status: i.status,
  status_reason: i.statusReason,
  regions: i.regions,
  dpop_required: i.dpopRequired,
  jwks: i.jwks === null ? null : ({ keys: i.jwks } as InstitutionDto['jwks']),
  jwks_uri: i.jwksUri,
  webhook_url: i.webhookUrl,
  contact: i.contact,
  created_at: isoTime(i.createdAt),
  updated_at: isoTime(i.updatedAt),
});

const bureau = (p: unknown) => p as BureauPrincipal;

/** The institution routes: administration by bureaus, and the institution reading itself. */
export function createInstitutionRoutes({ institutions }: { institutions: InstitutionService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/institution',
      operationId: 'getCurrentInstitution',
      access: { scope: 'institution' },
      handler: async ({ principal }): Promise<InstitutionDto> => institutionDto(await institutions.getSelf(principal as InstitutionPrincipal)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/institutions',
      operationId: 'listInstitutions',
      access: { scope: 'admin', role: 'viewer' },
      query: listInstitutionsQuery,
      handler: async ({ principal, query }): Promise<InstitutionPageDto> => {
        const page = await institutions.list(bureau(principal), {
          status: query.status,
          afterClientId: pageCursor(query.page_token, afterCursor)?.after,
          limit: query.page_size,
        });
        return { items: page.items.map(institutionDto), ...nextPageToken(page, (i) => ({ after: i.clientId })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/institutions',
      operationId: 'createInstitution',
      access: { scope: 'admin', role: 'admin' },
      body: createInstitutionBody,
      handler: async ({ principal, body, res }): Promise<InstitutionCreatedDto> => {
        const { institution, webhookSecret } = await institutions.create(bureau(principal), {
          name: body.name,
          uscc: body.uscc,
          licenseNo: body.license_no,
          type: body.type,
          regions: body.regions,
          jwks: body.jwks,
          jwksUri: body.jwks_uri,
          webhookUrl: body.webhook_url,
          contact: body.contact,
          dpopRequired: body.dpop_required,
        });
        res.status(201).location(`/api/v1/admin/institutions/${institution.clientId}`);
        return { ...institutionDto(institution), webhook_secret: webhookSecret };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/institutions/{client_id}',
      operationId: 'getInstitution',
      access: { scope: 'admin', role: 'viewer' },
      params: institutionParams,
      handler: async ({ principal, params }): Promise<InstitutionDto> =>
        institutionDto(await institutions.get(bureau(principal), params.client_id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/institutions/{client_id}',
      operationId: 'updateInstitution',
      access: { scope: 'admin', role: 'admin' },
      params: institutionParams,
      body: updateInstitutionBody,
      handler: async ({ principal, params, body }): Promise<InstitutionDto> =>
        institutionDto(await institutions.update(bureau(principal), params.client_id, { regions: body.regions, webhookUrl: body.webhook_url })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/institutions/{client_id}/status',
      operationId: 'updateInstitutionStatus',
      access: { scope: 'admin', role: 'reviewer' },
      params: institutionParams,
      body: institutionStatusBody,
      handler: async ({ principal, params, body }): Promise<InstitutionDto> =>
        institutionDto(await institutions.setStatus(bureau(principal), params.client_id, body.status, body.reason)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/institutions/{client_id}/keys',
      operationId: 'replaceInstitutionKeys',
      access: { scope: 'admin', role: 'admin' },
      params: institutionParams,
      body: replaceKeysBody,
      handler: async ({ principal, params, body }): Promise<InstitutionDto> =>
        institutionDto(await institutions.replaceKeys(bureau(principal), params.client_id, body)),
    }),
  ];
}
