import { z } from 'zod';
import { basisPoints, fen } from '../../http/fields.js';
import { specBody, specPath } from '../../http/spec-schema.js';
import { regionCode } from '../regions/regions-schemas.js';

const days = z.number().int().min(1).max(60).nullable();

/** Body of `updateRegionPolicy`: every rule, null to inherit. */
export const policyRulesInput = specBody<'updateRegionPolicy'>()(
  z.strictObject({
    max_share_bp: basisPoints.nullable(),
    max_amount: fen.nullable(),
    max_rate_bp: basisPoints.nullable(),
    fees_allowed: z.boolean().nullable(),
    decide_days: days,
    disburse_days: days,
  }),
);

/** Path of the policy operations. */
export const policyParams = specPath<'getRegionPolicy' | 'updateRegionPolicy'>()(z.object({ code: regionCode }));
