import { z } from 'zod';
import { isoTime } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import { afterCursor, nextPageToken, pageCursor, pageQuery } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { defineRoute } from '../../http/route.js';
import { clientKeysFields } from '../auth/client-keys-input.js';
import { regionCode } from '../regions/regions-schemas.js';
import type { BureauService } from './bureaus-service.js';
import type { Bureau } from './bureaus-store.js';

type Schemas = components['schemas'];

/** Body of `createBureau`. */
export const createBureauBody = z.strictObject({
  region_code: regionCode,
  name: z.string().trim().min(1).max(128),
  ...clientKeysFields,
});

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
      access: { scope: 'admin' },
      query: z.strictObject(pageQuery),
      handler: async ({ principal, query }): Promise<Schemas['BureauPage']> => {
        const page = await bureaus.list(principal as BureauPrincipal, { afterClientId: pageCursor(query.page_token, afterCursor)?.after, limit: query.page_size });
        return { items: page.items.map(bureauDto), ...nextPageToken(page, (b) => ({ after: b.clientId })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/bureaus',
      operationId: 'createBureau',
      access: { scope: 'admin' },
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
