import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { specQuery } from '../../http/spec-schema.js';
import { CONTRACT_CATEGORIES } from '../financing/financing-schemas.js';
import { regionCode } from '../regions/regions-schemas.js';
import { month } from '../statistics/statistics-schemas.js';
import { chars } from '../../http/fields.js';

/** Query of `listPublicInstitutions`. */
export const listPublicInstitutionsQuery = specQuery<'listPublicInstitutions'>()(z.strictObject({ region: regionCode.optional(), ...pageQuery }));

/** Query of `listPublicProducts`. */
export const listPublicProductsQuery = specQuery<'listPublicProducts'>()(
  z.strictObject({ region: regionCode.optional(), category: z.enum(CONTRACT_CATEGORIES).optional(), ...pageQuery }),
);

/** Query of `getPublicStatistics`. */
export const publicStatisticsQuery = specQuery<'getPublicStatistics'>()(
  z.strictObject({ from: month.optional(), to: month.optional(), league: regionCode.optional() }),
);

/** Cursor of the public lists: the last id shown. */
export const idCursor = z.strictObject({ after: chars(64).min(1) });
