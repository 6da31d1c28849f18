import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { regionCode } from '../regions/regions-schemas.js';
import { chars } from '../../http/fields.js';

/** The roles, as the spec lists them. */
export const STAFF_ROLE_VALUES = specEnum<components['schemas']['StaffRole']>()(['viewer', 'reviewer', 'admin']);

/** A subject as providers issue them: 1–255 visible characters, no control characters. */
const subject = chars(255).min(1).regex(/^[^\p{Cc}]+$/u, 'no control characters').refine((s) => s.trim() === s, 'no leading or trailing spaces');

/** Body of `createStaff` (and the flags of `zcd staff add`). */
export const createStaffBody = specBody<'createStaff'>()(
  z.strictObject({
    region_code: regionCode,
    subject,
    name: chars(100).trim().min(1),
    role: z.enum(STAFF_ROLE_VALUES),
    issuer: z.url({ protocol: /^https?$/ }).max(2048).transform((v) => v.replace(/\/+$/, '')).optional(),
  }),
);

/** Query of `listStaff`. */
export const listStaffQuery = specQuery<'listStaff'>()(z.strictObject(pageQuery));

/** Body of `updateStaff`. */
export const updateStaffBody = specBody<'updateStaff'>()(z.strictObject({ role: z.enum(STAFF_ROLE_VALUES) }));

/** Path of `removeStaff` and `updateStaff`. */
export const staffIdParams = specPath<'removeStaff' | 'updateStaff'>()(z.strictObject({ staffId: z.string().regex(/^stf_[0-9a-f]{24}$/, 'not a staff id') }));
