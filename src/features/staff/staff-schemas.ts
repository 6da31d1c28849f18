import { z } from 'zod';
import { regionCode } from '../regions/regions-schemas.js';
import { STAFF_ROLES, type StaffRole } from './staff-store.js';

/** A subject as providers issue them: 1–255 visible characters, no control characters. */
const subject = z.string().min(1).max(255).regex(/^[^\p{Cc}]+$/u, 'no control characters').refine((s) => s.trim() === s, 'no leading or trailing spaces');

/** Body of `createStaff` (and the flags of `zcd staff add`). */
export const createStaffBody = z.strictObject({
  region_code: regionCode,
  subject,
  name: z.string().trim().min(1).max(100),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]]),
  issuer: z.url({ protocol: /^https?$/ }).max(2048).transform((v) => v.replace(/\/+$/, '')).optional(),
});

/** Path of `removeStaff`. */
export const staffIdParams = z.strictObject({ staffId: z.string().regex(/^stf_[0-9a-f]{24}$/, 'not a staff id') });
