import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { basisPoints, fen, idParam, positiveFen, text, timestampMs, chars } from '../../http/fields.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specEnum, specPath, specQuery } from '../../http/spec-schema.js';
import { CONSENT_PARTS } from '../financing/financing-schemas.js';

type Schemas = components['schemas'];

/** The contract summary fields an SME can show banks, as the spec lists them. */
export const INTENT_VISIBLE_FIELDS = specEnum<Schemas['IntentVisibleField']>()(['purchaser_region', 'contract_amount_band', 'acceptance_status']);

const unique = <T>(items: T[]) => new Set(items).size === items.length;
const days = z.number().int().min(1).max(3650);

/** Body of `createFinancingIntent`. */
export const intentInput = specBody<'createFinancingIntent'>()(
  z.strictObject({
    contract_no: chars(64).min(1),
    amount: positiveFen,
    term_days: days,
    visible_fields: z.array(z.enum(INTENT_VISIBLE_FIELDS)).max(3).refine(unique, 'must not repeat'),
    expires_at: timestampMs.optional(),
  }),
);

/** Body of `createQuote`. */
export const quoteInput = specBody<'createQuote'>()(
  z.strictObject({
    product_id: z.uuid(),
    amount: positiveFen,
    annual_rate_bp: basisPoints,
    term_days: days,
    fees: fen,
    conditions: text(500).optional(),
    valid_until: timestampMs,
  }),
);

/** Body of `acceptQuote`. */
export const quoteAcceptance = specBody<'acceptQuote'>()(
  z.strictObject({
    consent: z.strictObject({
      parts: z.array(z.enum(CONSENT_PARTS)).min(1).max(4).refine(unique, 'must not repeat'),
      expires_at: timestampMs,
    }),
    quote_revision: z.number().int().min(1).optional(),
  }),
);

/** Path of the operations on one intent. */
export const intentParams = specPath<'withdrawFinancingIntent' | 'listIntentQuotes' | 'getFinancingIntent' | 'createQuote'>()(
  z.object({ intentId: idParam }),
);

/** Path of the operations on one quote. */
export const quoteParams = specPath<'acceptQuote' | 'withdrawQuote'>()(z.object({ intentId: idParam, quoteId: idParam }));

/** Query of the intent lists. */
export const intentListQuery = specQuery<'listSupplierIntents' | 'listFinancingIntents'>()(z.strictObject({ ...pageQuery }));
