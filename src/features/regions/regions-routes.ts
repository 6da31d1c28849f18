import { nextPageToken, pageCursor } from '../../http/pagination.js';
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
        const page = await regions.list({
          parent: query.parent,
          level: query.level,
          afterCode: pageCursor(query.page_token, regionCursor)?.after,
          limit: query.page_size,
        });
        return { items: page.items.map(toDto), ...nextPageToken(page, (r) => ({ after: r.code })) };
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
