import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { basisPoints, fen, idParam, isoDate, positiveFen, text, timestampMs } from '../../http/fields.js';
import { pageQuery } from '../../http/pagination.js';
import { APPLICATION_STATUSES } from './lifecycle.js';

type Schemas = components['schemas'];

const regionCode = z.string().regex(/^[1-9][0-9]{5}$/, 'expected a six-digit GB/T 2260 region code');
const category = z.enum(['goods', 'services', 'works']) satisfies z.ZodType<Schemas['ContractCategory']>;
const unique = <T>(items: T[]) => new Set(items).size === items.length;
const days = z.number().int().min(1).max(3650);

const productTerms = {
  name: text(100),
  max_amount: positiveFen,
  max_share_bp: basisPoints.min(1),
  rate_min_bp: basisPoints,
  rate_max_bp: basisPoints,
  term_min_days: days,
  term_max_days: days,
  categories: z.array(category).min(1).max(3).refine(unique, 'must not repeat'),
  regions: z.array(regionCode).min(1).max(200).refine(unique, 'must not repeat'),
};

/** Body of `createProduct`. */
export const productInput = z.strictObject(productTerms) satisfies z.ZodType<Schemas['ProductInput'], unknown>;

/** Body of `updateProduct`: at least one term. */
export const productPatch = z
  .strictObject(productTerms)
  .partial()
  .refine((o) => Object.keys(o).length > 0, 'change at least one term') satisfies z.ZodType<Schemas['ProductPatch'], unknown>;

/** Body of `reviewProduct`. */
export const productReview = z.strictObject({
  decision: z.enum(['approve', 'withdraw']),
  reason: text(500),
}) satisfies z.ZodType<Schemas['ProductReview'], unknown>;

export const productParams = z.object({ productId: idParam });
export const applicationParams = z.object({ applicationId: idParam });
export const contractParams = z.object({ contractNo: z.string().max(64) });

const consentPart = z.enum(['contract', 'acceptances', 'payments', 'risk_flags']);

/** Body of `createApplication`. */
export const applicationInput = z.strictObject({
  contract_no: z.string().min(1).max(64),
  product_id: z.uuid(),
  requested_amount: positiveFen,
  consent: z.strictObject({
    parts: z.array(consentPart).min(1).max(4).refine(unique, 'must not repeat'),
    expires_at: timestampMs,
  }),
});

const account = z.strictObject({
  bank_name: text(100),
  account_name: text(100),
  account_number: z.string().regex(/^[0-9]{8,32}$/, 'expected 8 to 32 digits'),
});

/** Body of `decideApplication`. */
export const decisionInput = z.discriminatedUnion('decision', [
  z.strictObject({
    decision: z.literal('approve'),
    amount: positiveFen,
    annual_rate_bp: basisPoints,
    term_days: days,
    collection_account: account,
  }),
  z.strictObject({
    decision: z.literal('reject'),
    reason_code: z.enum(['credit_insufficient', 'contract_risk', 'documents_incomplete', 'amount_exceeds_limit', 'supplier_risk', 'outside_policy', 'other']),
    reason_text: text(500).optional(),
  }),
]);

export const disbursementInput = z.strictObject({
  loan_no: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and hyphens, at most 64'),
  amount: positiveFen,
  disbursed_on: isoDate,
});

export const repaymentInput = z.strictObject({
  amount: positiveFen,
  repaid_on: isoDate,
  reference: text(64).optional(),
});

export const settlementInput = z.strictObject({
  settled_on: isoDate,
  note: text(500).optional(),
});

export const reasonInput = z.strictObject({
  reason_code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
  reason_text: text(500).optional(),
});

export const applicationStatus = z.enum(APPLICATION_STATUSES) satisfies z.ZodType<Schemas['ApplicationStatus']>;

export const listQuery = z.strictObject({ ...pageQuery });
export const bankListQuery = z.strictObject({ status: applicationStatus.optional(), ...pageQuery });
export const adminApplicationsQuery = z.strictObject({ status: applicationStatus.optional(), region: regionCode.optional(), ...pageQuery });
export const adminProductsQuery = z.strictObject({ status: z.enum(['pending', 'approved', 'withdrawn']).optional(), ...pageQuery });

export { fen };
