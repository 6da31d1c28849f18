import { isoTime } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import { afterCursor, nextPageToken, pageCursor } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { defineRoute } from '../../http/route.js';
import type { BureauService } from './bureaus-service.js';
import type { Bureau } from './bureaus-store.js';
import { createBureauBody, listBureausQuery } from './bureaus-schemas.js';

type Schemas = components['schemas'];

/** A bureau on the wire. */
export const bureauDto = (b: Bureau): Schemas['Bureau'] => ({
  client_id: b.clientId,
  region_code: b.regionCode,
  name: b.name,
  jwks: b.jwks === null ? null : ({ keys: b.jwks } as Schemas['Bureau']['jwks']),
  jwks_uri: b.jwksUri,
  created_at: isoTime(b.createdAt),
});

/** The bureau administration routes. */
export function createBureauRoutes({ bureaus }: { bureaus: BureauService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/bureaus',
      operationId: 'listBureaus',
      access: { scope: 'admin', role: 'viewer' },
      query: listBureausQuery,
      handler: async ({ principal, query }): Promise<Schemas['BureauPage']> => {
        const page = await bureaus.list(principal as BureauPrincipal, { afterClientId: pageCursor(query.page_token, afterCursor)?.after, limit: query.page_size });
        return { items: page.items.map(bureauDto), ...nextPageToken(page, (b) => ({ after: b.clientId })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/bureaus',
      operationId: 'createBureau',
      access: { scope: 'admin', role: 'admin' },
      body: createBureauBody,
      handler: async ({ principal, body, res }): Promise<Schemas['Bureau']> => {
        const created = await bureaus.create(principal as BureauPrincipal, {
          regionCode: body.region_code,
          name: body.name,
          jwks: body.jwks,
          jwksUri: body.jwks_uri,
        });
        res.status(201);
        return bureauDto(created);
      },
    }),
  ];
}
