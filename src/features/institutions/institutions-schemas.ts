import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { isValidUscc } from '../../domain/uscc.js';
import { pageQuery } from '../../http/pagination.js';
import { clientKeysFields } from '../auth/client-keys-input.js';
import { regionCode } from '../regions/regions-schemas.js';

type Schemas = components['schemas'];

const httpsUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Body of `createInstitution`. */
export const createInstitutionBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  uscc: z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)'),
  license_no: z.string().trim().min(1).max(64),
  type: z.enum(['bank', 'guarantee', 'other']) satisfies z.ZodType<Schemas['InstitutionType']>,
  regions: z
    .array(regionCode)
    .min(1)
    .max(200)
    .refine((r) => new Set(r).size === r.length, 'regions must not repeat'),
  ...clientKeysFields,
  webhook_url: httpsUrl.optional(),
  contact: z
    .strictObject({ name: z.string().max(100).optional(), phone: z.string().max(32).optional(), email: z.email().max(254).optional() })
    .optional(),
  dpop_required: z.boolean().default(true),
});

/** Query of `listInstitutions`. */
export const listInstitutionsQuery = z.strictObject({
  status: (z.enum(['pending', 'active', 'suspended', 'revoked']) satisfies z.ZodType<Schemas['InstitutionStatus']>).optional(),
  ...pageQuery,
});

/** Path of the operations on one institution. */
export const institutionParams = z.object({ client_id: z.string().max(64) });

/** Body of `updateInstitutionStatus`. */
export const institutionStatusBody = z.strictObject({
  status: z.enum(['active', 'suspended', 'revoked']),
  reason: z.string().trim().min(1).max(500),
}) satisfies z.ZodType<Schemas['InstitutionStatusChange']>;

/** Body of `replaceInstitutionKeys`. */
export const replaceKeysBody = z.strictObject(clientKeysFields);

/** Cursor of the client-id ordered lists. */
export const clientCursor = z.strictObject({ after: z.string().max(64) });

export type InstitutionDto = Schemas['Institution'];
export type InstitutionCreatedDto = Schemas['InstitutionCreated'];
export type InstitutionPageDto = Schemas['InstitutionPage'];
