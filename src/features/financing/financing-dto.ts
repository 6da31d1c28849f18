import { z } from 'zod';
import type { components } from '../../generated/openapi.js';
import { ValidationError } from '../../errors.js';
import { decodePageToken, encodePageToken } from '../../http/pagination.js';
import type { ContractWithStanding, Offer } from './applications-service.js';
import type { Application, DataAccessEntry, Product, Transition } from './financing-store.js';
import type { FinancingContract } from './ports.js';

type S = components['schemas'];
const iso = (ms: number) => new Date(ms).toISOString();

/** A product's terms and who offers it → wire (shared by the institution's and the public view). */
export function productTermsDto(
  p: Pick<Product, 'id' | 'institutionId' | 'name' | 'maxAmountFen' | 'maxShareBp' | 'rateMinBp' | 'rateMaxBp' | 'termMinDays' | 'termMaxDays' | 'categories' | 'regions'>,
  institutionName: string,
) {
  return {
    id: p.id,
    institution_id: p.institutionId,
    institution_name: institutionName,
    name: p.name,
    max_amount: p.maxAmountFen,
    max_share_bp: p.maxShareBp,
    rate_min_bp: p.rateMinBp,
    rate_max_bp: p.rateMaxBp,
    term_min_days: p.termMinDays,
    term_max_days: p.termMaxDays,
    categories: p.categories,
    regions: p.regions,
  };
}

/** Product → wire. */
export function productDto(p: Product, institutionName: string): S['Product'] {
  return {
    ...productTermsDto(p, institutionName),
    status: p.status,
    ...(p.reviewReason ? { review_reason: p.reviewReason } : {}),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

/** Application → wire. */
export function applicationDto(a: Application, institutionName: string, now: number): S['Application'] {
  return {
    id: a.id,
    contract_no: a.contractNo,
    product_id: a.productId,
    institution_id: a.institutionId,
    institution_name: institutionName,
    supplier_uscc: a.supplierUscc,
    supplier_name: a.supplierName,
    purchaser_region_code: a.purchaserRegionCode,
    requested_amount: a.requestedAmountFen,
    status: a.status,
    ...(a.approvedAmountFen !== null ? { approved_amount: a.approvedAmountFen } : {}),
    ...(a.annualRateBp !== null ? { annual_rate_bp: a.annualRateBp } : {}),
    ...(a.termDays !== null ? { term_days: a.termDays } : {}),
    ...(a.account
      ? {
          collection_account: {
            bank_name: a.account.bankName,
            account_name: a.account.accountName,
            account_number: a.account.accountNumber,
          },
        }
      : {}),
    ...(a.loanNo ? { loan_no: a.loanNo } : {}),
    disbursed_amount: a.disbursedFen,
    repaid_amount: a.repaidFen,
    outstanding_amount: a.disbursedFen - a.repaidFen,
    consent: {
      parts: a.consentParts,
      expires_at: iso(a.consentExpiresAt),
      revoked_at: a.consentRevokedAt === null ? null : iso(a.consentRevokedAt),
      live: a.consentRevokedAt === null && a.consentExpiresAt > now && a.status !== 'withdrawn',
    },
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

/** Transition → wire. */
export function transitionDto(t: Transition): S['Transition'] {
  return {
    from: t.from,
    to: t.to,
    actor: t.actor,
    ...(t.reasonCode ? { reason_code: t.reasonCode } : {}),
    ...(t.reasonText ? { reason_text: t.reasonText } : {}),
    at: iso(t.at),
  };
}

/** A supplier's contract with its standing → wire. */
export function supplierContractDto(c: ContractWithStanding): S['SupplierContract'] {
  return {
    contract_no: c.contractNo,
    project_no: c.projectNo,
    purchaser: { name: c.purchaserName, region_code: c.purchaserRegionCode },
    category: c.category,
    amount: c.amountFen,
    paid: c.paidFen,
    unpaid: c.unpaidFen,
    status: c.status,
    signed_on: c.signedOn,
    financeable: c.reasons.length === 0,
    not_financeable_reasons: c.reasons,
  };
}

/** Contract as a consented bank reads it → wire. */
export function contractDto(c: FinancingContract): S['Contract'] {
  return {
    contract_no: c.contractNo,
    project_no: c.projectNo,
    purchaser: { name: c.purchaserName, region_code: c.purchaserRegionCode },
    supplier_uscc: c.supplierUscc,
    supplier_name: c.supplierName,
    category: c.category,
    amount: c.amountFen,
    paid: c.paidFen,
    unpaid: Math.max(0, c.amountFen - c.paidFen),
    status: c.status,
    signed_on: c.signedOn,
    procurement_method: c.procurementMethod,
    payment_terms: c.paymentTerms,
  };
}

/** Offer → wire. */
export function offerDto(o: Offer): S['Offer'] {
  return {
    product_id: o.product.id,
    product_name: o.product.name,
    institution_id: o.product.institutionId,
    institution_name: o.institutionName,
    max_loan: o.maxLoanFen,
    rate_min_bp: o.product.rateMinBp,
    rate_max_bp: o.product.rateMaxBp,
    term_min_days: o.product.termMinDays,
    term_max_days: o.product.termMaxDays,
  };
}

/** Audit entry → wire. */
export function dataAccessDto(e: DataAccessEntry, institutionName: string): S['DataAccessEntry'] {
  return {
    id: e.id,
    at: iso(e.at),
    institution_id: e.institutionId,
    institution_name: institutionName,
    application_id: e.applicationId,
    contract_no: e.contractNo,
    part: e.part,
    consent_expires_at: iso(e.consentExpiresAt),
  };
}

const badToken = () => new ValidationError([{ in: 'query', pointer: '/page_token', detail: 'not a page token of this list' }]);

/** Decodes a page token with its schema; a foreign token is a 400. */
export function cursor<T>(token: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (token === undefined) return undefined;
  const value = decodePageToken(token, schema);
  if (value === undefined) throw badToken();
  return value;
}

export const applicationCursor = z.strictObject({ c: z.number().int(), id: z.string().max(64) });
export const idCursor = z.strictObject({ after: z.string().max(64) });
export const seqCursor = z.strictObject({ before: z.number().int() });

/** Token for the page after `last` of a newest-first application list. */
export const nextApplicationToken = (more: boolean, last: Application | undefined) =>
  more && last ? { next_page_token: encodePageToken({ c: last.createdAt, id: last.id }) } : {};
export const nextIdToken = (more: boolean, last: string | undefined) =>
  more && last !== undefined ? { next_page_token: encodePageToken({ after: last }) } : {};
export const nextSeqToken = (more: boolean, last: number | undefined) =>
  more && last !== undefined ? { next_page_token: encodePageToken({ before: last }) } : {};
