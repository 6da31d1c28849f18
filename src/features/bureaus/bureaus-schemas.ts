import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specQuery } from '../../http/spec-schema.js';
import { clientKeysFields } from '../auth/client-keys-input.js';
import { regionCode } from '../regions/regions-schemas.js';
import { chars } from '../../http/fields.js';

/** Body of `createBureau`. */
export const createBureauBody = specBody<'createBureau'>()(
  z.strictObject({
    region_code: regionCode,
    name: chars(128).trim().min(1),
    ...clientKeysFields,
  }),
);

/** Query of `listBureaus`. */
export const listBureausQuery = specQuery<'listBureaus'>()(z.strictObject(pageQuery));
