import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

type Schemas = components['schemas'];

/** A GB/T 2260 code: six digits, not starting with 0. */
export const regionCode = z.string().regex(/^[1-9][0-9]{5}$/, 'expected a six-digit GB/T 2260 region code');

/** The levels of the region tree, as the spec lists them. */
export const REGION_LEVELS = specEnum<Schemas['RegionLevel']>()(['region', 'league', 'county']);

/** A region level. */
export const regionLevel = z.enum(REGION_LEVELS);

/** Query of `listRegions`. */
export const listRegionsQuery = specQuery<'listRegions'>()(
  z.strictObject({
    parent: regionCode.optional(),
    level: regionLevel.optional(),
    ...pageQuery,
  }),
);

/** Path of `getRegion`: any string; a malformed code is simply not found. */
export const getRegionParams = specPath<'getRegion'>()(z.object({ code: chars(64) }));

/** Cursor of `listRegions`. */
export const regionCursor = z.strictObject({ after: regionCode });

export type RegionDto = Schemas['Region'];
export type RegionDetailDto = Schemas['RegionDetail'];
export type RegionPageDto = Schemas['RegionPage'];
