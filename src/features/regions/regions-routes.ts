import { ValidationError } from '../../errors.js';
import { decodePageToken, encodePageToken } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import type { RegionService } from './regions-service.js';
import type { Region } from './regions-store.js';
import {
  getRegionParams,
  listRegionsQuery,
  regionCursor,
  type RegionDetailDto,
  type RegionDto,
  type RegionPageDto,
} from './regions-schemas.js';

const toDto = (r: Region): RegionDto => ({ code: r.code, name: r.name, level: r.level, parent_code: r.parentCode });

/** The public region routes. */
export function createRegionRoutes({ regions }: { regions: RegionService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/regions',
      operationId: 'listRegions',
      access: { public: true },
      query: listRegionsQuery,
      handler: async ({ query }): Promise<RegionPageDto> => {
        let afterCode: string | undefined;
        if (query.page_token !== undefined) {
          afterCode = decodePageToken(query.page_token, regionCursor)?.after;
          if (afterCode === undefined) {
            throw new ValidationError([{ in: 'query', pointer: '/page_token', detail: 'not a page token of this list' }]);
          }
        }
        const page = await regions.list({
          parent: query.parent,
          level: query.level,
          afterCode,
          limit: query.page_size,
        });
        const last = page.items.at(-1);
        return {
          items: page.items.map(toDto),
          ...(page.more && last ? { next_page_token: encodePageToken({ after: last.code }) } : {}),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/regions/{code}',
      operationId: 'getRegion',
      access: { public: true },
      params: getRegionParams,
      handler: async ({ params }): Promise<RegionDetailDto> => {
        const region = await regions.get(params.code);
        return { ...toDto(region), ancestors: region.ancestors.map(toDto) };
      },
    }),
  ];
}
