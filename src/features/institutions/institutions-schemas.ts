import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { isValidUscc } from '../../domain/uscc.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { clientKeysFields } from '../auth/client-keys-input.js';
import { regionCode } from '../regions/regions-schemas.js';
import { chars } from '../../http/fields.js';

type Schemas = components['schemas'];

const httpsUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** The kinds of institution, as the spec lists them. */
export const INSTITUTION_TYPES = specEnum<Schemas['InstitutionType']>()(['bank', 'guarantee', 'other']);

/** The states of an institution, as the spec lists them. */
export const INSTITUTION_STATUSES = specEnum<Schemas['InstitutionStatus']>()(['pending', 'active', 'suspended', 'revoked']);

/** The states a bureau may move an institution to. */
export const INSTITUTION_STATUS_CHANGES = specEnum<Schemas['InstitutionStatusChange']['status']>()(['active', 'suspended', 'revoked']);

/** Body of `createInstitution`. */
export const createInstitutionBody = specBody<'createInstitution'>()(
  z.strictObject({
    name: chars(200).trim().min(1),
    uscc: z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)'),
    license_no: chars(64).trim().min(1),
    type: z.enum(INSTITUTION_TYPES),
    regions: z
      .array(regionCode)
      .min(1)
      .max(200)
      .refine((r) => new Set(r).size === r.length, 'regions must not repeat'),
    ...clientKeysFields,
    webhook_url: httpsUrl.optional(),
    contact: z
      .strictObject({ name: chars(100).optional(), phone: chars(32).optional(), email: z.email().max(254).optional() })
      .optional(),
    dpop_required: z.boolean().default(true),
  }),
);

/** Body of `updateInstitution`: new coverage regions and/or webhook URL (`null` removes it), at least one. */
export const updateInstitutionBody = specBody<'updateInstitution'>()(
  z
    .strictObject({
      regions: z
        .array(regionCode)
        .min(1)
        .max(200)
        .refine((r) => new Set(r).size === r.length, 'regions must not repeat')
        .optional(),
      webhook_url: httpsUrl.nullable().optional(),
    })
    .refine((b) => b.regions !== undefined || b.webhook_url !== undefined, 'give regions, webhook_url or both'),
);

/** Query of `listInstitutions`. */
export const listInstitutionsQuery = specQuery<'listInstitutions'>()(
  z.strictObject({
    status: z.enum(INSTITUTION_STATUSES).optional(),
    ...pageQuery,
  }),
);

/** Path of the operations on one institution. */
export const institutionParams = specPath<'getInstitution' | 'updateInstitution' | 'updateInstitutionStatus' | 'replaceInstitutionKeys'>()(
  z.object({ client_id: chars(64) }),
);

/** Body of `updateInstitutionStatus`. */
export const institutionStatusBody = specBody<'updateInstitutionStatus'>()(
  z.strictObject({
    status: z.enum(INSTITUTION_STATUS_CHANGES),
    reason: chars(500).trim().min(1),
  }),
);

/** Body of `replaceInstitutionKeys`. */
export const replaceKeysBody = specBody<'replaceInstitutionKeys'>()(z.strictObject(clientKeysFields));

/** Cursor of the client-id ordered lists. */
export const clientCursor = z.strictObject({ after: chars(64) });

export type InstitutionDto = Schemas['Institution'];
export type InstitutionCreatedDto = Schemas['InstitutionCreated'];
export type InstitutionPageDto = Schemas['InstitutionPage'];
