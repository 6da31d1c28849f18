import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { basisPoints, fen, idParam, isoDate, positiveFen, text, timestampMs, chars } from '../../http/fields.js';
import { pageQuery } from '../../http/pagination.js';
import { specBody, specEnum, specPath, specQuery, specType } from '../../http/spec-schema.js';
import { isValidUscc } from '../../domain/uscc.js';
import { regionCode } from '../regions/regions-schemas.js';
import { APPLICATION_STATUSES as LIFECYCLE_STATUSES } from './lifecycle.js';

type Schemas = components['schemas'];

/** The categories of a procurement contract, as the spec lists them. */
export const CONTRACT_CATEGORIES = specEnum<Schemas['ContractCategory']>()(['goods', 'services', 'works']);

/** The parts of a contract an SME can consent to share, as the spec lists them. */
export const CONSENT_PARTS = specEnum<Schemas['ConsentPart']>()(['contract', 'acceptances', 'payments', 'risk_flags']);

/** The reasons a bank can give for a rejection, as the spec lists them. */
export const REJECTION_REASONS = specEnum<Schemas['RejectionReason']>()([
  'credit_insufficient',
  'contract_risk',
  'documents_incomplete',
  'amount_exceeds_limit',
  'supplier_risk',
  'outside_policy',
  'other',
]);

/** The states of a financing application: the lifecycle's list, checked against the spec's. */
export const APPLICATION_STATUSES = specEnum<Schemas['ApplicationStatus']>()(LIFECYCLE_STATUSES);

/** The states of a product, as the spec lists them. */
export const PRODUCT_STATUSES = specEnum<Schemas['ProductStatus']>()(['pending', 'approved', 'withdrawn']);

/** What a bureau decides about a product. */
export const PRODUCT_DECISIONS = specEnum<Schemas['ProductReview']['decision']>()(['approve', 'withdraw']);

const category = z.enum(CONTRACT_CATEGORIES);
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
  // What an SME compares besides the money; each may be left out (no fee, no promise, nothing required).
  fee_bp: basisPoints.optional(),
  decide_days: z.number().int().min(1).max(60).nullable().optional(),
  disburse_days: z.number().int().min(1).max(60).nullable().optional(),
  requirements: text(500).optional(),
};

/** Body of `createProduct`. */
export const productInput = specBody<'createProduct'>()(z.strictObject(productTerms));

/** Body of `updateProduct`: at least one term. */
export const productPatch = specBody<'updateProduct'>()(
  z
    .strictObject(productTerms)
    .partial()
    .refine((o) => Object.keys(o).length > 0, 'change at least one term'),
);

/** Body of `reviewProduct`. */
export const productReview = specBody<'reviewProduct'>()(
  z.strictObject({
    decision: z.enum(PRODUCT_DECISIONS),
    reason: text(500),
  }),
);

/** Path of the operations on one product. */
export const productParams = specPath<'updateProduct' | 'reviewProduct'>()(z.object({ productId: idParam }));

/** Path of the operations on one application. */
export const applicationParams = specPath<
  | 'getSupplierApplication'
  | 'withdrawApplication'
  | 'revokeConsent'
  | 'getApplication'
  | 'getApplicationContract'
  | 'listApplicationAcceptances'
  | 'listApplicationPayments'
  | 'listApplicationRiskFlags'
  | 'startReview'
  | 'decideApplication'
  | 'createDisbursement'
  | 'createRepayment'
  | 'settleApplication'
  | 'reportOverdue'
  | 'reportDefault'
  | 'cancelApplication'
  | 'getAdminApplication'
>()(z.object({ applicationId: idParam }));

/** Path of `listContractOffers`. */
export const contractParams = specPath<'listContractOffers'>()(z.object({ contractNo: chars(64) }));

const consentPart = z.enum(CONSENT_PARTS);

/** Body of `createApplication`. */
export const applicationInput = specBody<'createApplication'>()(
  z.strictObject({
    contract_no: chars(64).min(1),
    product_id: z.uuid(),
    requested_amount: positiveFen,
    consent: z.strictObject({
      parts: z.array(consentPart).min(1).max(4).refine(unique, 'must not repeat'),
      expires_at: timestampMs,
    }),
  }),
);

const account = specType<Schemas['CollectionAccount']>()(
  z.strictObject({
    bank_name: text(100),
    account_name: text(100),
    account_number: z.string().regex(/^[0-9]{8,32}$/, 'expected 8 to 32 digits'),
  }),
);

/** Body of `decideApplication`. */
export const decisionInput = specBody<'decideApplication'>()(
  z.discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('approve'),
      amount: positiveFen,
      annual_rate_bp: basisPoints,
      term_days: days,
      collection_account: account,
      credit_line_id: z.uuid().optional(),
    }),
    z.strictObject({
      decision: z.literal('reject'),
      reason_code: z.enum(REJECTION_REASONS),
      reason_text: text(500).optional(),
    }),
  ]),
);

/** Body of `createDisbursement`. */
export const disbursementInput = specBody<'createDisbursement'>()(
  z.strictObject({
    loan_no: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and hyphens, at most 64'),
    amount: positiveFen,
    disbursed_on: isoDate,
  }),
);

/** Body of `createRepayment`. */
export const repaymentInput = specBody<'createRepayment'>()(
  z.strictObject({
    amount: positiveFen,
    repaid_on: isoDate,
    reference: text(64).optional(),
  }),
);

/** Body of `settleApplication`. */
export const settlementInput = specBody<'settleApplication'>()(
  z.strictObject({
    settled_on: isoDate,
    note: text(500).optional(),
  }),
);

/** Body of the transitions that take only a reason. */
export const reasonInput = specBody<'withdrawApplication' | 'startReview' | 'reportOverdue' | 'reportDefault' | 'cancelApplication'>()(
  z.strictObject({
    reason_code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
    reason_text: text(500).optional(),
  }),
);

/** Body of `createCreditLine`. */
export const creditLineInput = specBody<'createCreditLine'>()(
  z.strictObject({
    supplier_uscc: z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)'),
    amount: positiveFen,
    annual_rate_bp: basisPoints,
    valid_until: timestampMs,
  }),
);

/** Path of `revokeCreditLine`. */
export const creditLineParams = specPath<'revokeCreditLine'>()(z.object({ creditLineId: idParam }));

/** Query of `listCreditLines`. */
export const creditLineQuery = specQuery<'listCreditLines'>()(
  z.strictObject({ supplier_uscc: z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)').optional(), ...pageQuery }),
);

/** An application status in a query. */
export const applicationStatus = z.enum(APPLICATION_STATUSES);

/** Query of the lists that take only a page. */
export const listQuery = specQuery<'listProducts' | 'listAdminDataAccess' | 'listSupplierContracts' | 'listSupplierApplications' | 'listDataAccess'>()(
  z.strictObject({ ...pageQuery }),
);

/** Query of `listApplications`. */
export const bankListQuery = specQuery<'listApplications'>()(z.strictObject({ status: applicationStatus.optional(), ...pageQuery }));

const queryFen = z.coerce.number().pipe(fen);

/** Query of `listAdminApplications`: every filter optional; a range must not run backwards. */
export const adminApplicationsQuery = specQuery<'listAdminApplications'>()(
  z
    .strictObject({
      status: applicationStatus.optional(),
      region: regionCode.optional(),
      institution_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a client id').optional(),
      created_from: isoDate.optional(),
      created_to: isoDate.optional(),
      amount_min: queryFen.optional(),
      amount_max: queryFen.optional(),
      ...pageQuery,
    })
    .superRefine((q, ctx) => {
      if (q.created_from !== undefined && q.created_to !== undefined && q.created_to < q.created_from) {
        ctx.addIssue({ code: 'custom', path: ['created_to'], message: 'must not be before created_from' });
      }
      if (q.amount_min !== undefined && q.amount_max !== undefined && q.amount_max < q.amount_min) {
        ctx.addIssue({ code: 'custom', path: ['amount_max'], message: 'must not be below amount_min' });
      }
    }),
);

/** Query of `listDeadlineBreaches`. */
export const deadlineBreachesQuery = specQuery<'listDeadlineBreaches'>()(
  z.strictObject({ region: regionCode.optional(), deadline: z.enum(['decide', 'disburse']).optional(), ...pageQuery }),
);

/** Query of `listAdminProducts`. */
export const adminProductsQuery = specQuery<'listAdminProducts'>()(z.strictObject({ status: z.enum(PRODUCT_STATUSES).optional(), ...pageQuery }));

export { fen };
