import { z } from 'zod';
import { isoTime as iso } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import type { AccessView, ApplicationDetail, ApplicationView, ContractParts, ContractWithStanding, CreditLineView, Offer, SupplierApplicationDetail } from './applications-service.js';
import type { TimelineEntry } from './application-timeline.js';
import type { Application, DeadlineBreachRow, Product, Transition } from './financing-store.js';
import type { ProductView } from './products-service.js';
import { chars } from '../../http/fields.js';

type S = components['schemas'];

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
export function productDto(p: ProductView): S['Product'] {
  return {
    ...productTermsDto(p, p.institutionName),
    fee_bp: p.feeBp,
    decide_days: p.decideDays,
    disburse_days: p.disburseDays,
    ...(p.requirements ? { requirements: p.requirements } : {}),
    status: p.status,
    ...(p.reviewReason ? { review_reason: p.reviewReason } : {}),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

/** Application → wire. */
export function applicationDto(a: ApplicationView): S['Application'] {
  return {
    id: a.id,
    contract_no: a.contractNo,
    product_id: a.productId,
    institution_id: a.institutionId,
    institution_name: a.institutionName,
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
      live: a.consentLive,
    },
    ...(a.intentId ? { intent_id: a.intentId } : {}),
    ...(a.accountRelease ? { account_release: a.accountRelease } : {}),
    ...(a.accountReleasedAt !== null ? { account_released_at: iso(a.accountReleasedAt) } : {}),
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

/** Application with its history → wire. */
export function applicationDetailDto(a: ApplicationDetail): S['ApplicationDetail'] {
  return { ...applicationDto(a), history: a.history.map(transitionDto) };
}

/** Application with its supplier's timeline → wire. */
export function supplierApplicationDetailDto(a: SupplierApplicationDetail): S['SupplierApplicationDetail'] {
  return { ...applicationDto(a), history: a.timeline.map(timelineEntryDto) };
}

/** Timeline entry → wire. */
export function timelineEntryDto(e: TimelineEntry): S['ApplicationEvent'] {
  return {
    at: iso(e.at),
    kind: e.kind,
    ...(e.status ? { status: e.status } : {}),
    ...(e.fromStatus ? { from_status: e.fromStatus } : {}),
    ...(e.actor ? { actor: e.actor } : {}),
    ...(e.reasonCode ? { reason_code: e.reasonCode } : {}),
    ...(e.amountFen !== undefined ? { amount: e.amountFen } : {}),
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
export function contractDto(c: ContractParts['contract']): S['Contract'] {
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
    rate_max_bp: o.rateMaxBp,
    term_min_days: o.product.termMinDays,
    term_max_days: o.product.termMaxDays,
    fee_bp: o.product.feeBp,
    decide_days: o.decideDays,
    disburse_days: o.disburseDays,
    ...(o.product.requirements ? { requirements: o.product.requirements } : {}),
  };
}

/** A credit line → wire. */
export function creditLineDto(l: CreditLineView): S['CreditLine'] {
  return {
    id: l.id,
    institution_id: l.institutionId,
    institution_name: l.institutionName,
    supplier_uscc: l.supplierUscc,
    amount: l.amountFen,
    used: l.usedFen,
    available: l.availableFen,
    annual_rate_bp: l.annualRateBp,
    valid_until: iso(l.validUntil),
    status: l.state,
    ...(l.revokedAt !== null ? { revoked_at: iso(l.revokedAt) } : {}),
    created_at: iso(l.createdAt),
  };
}

/** The acceptances of a contract → wire. */
export function acceptanceListDto(items: ContractParts['acceptances']): S['AcceptanceList'] {
  return { items: items.map((r) => ({ id: r.id, accepted_on: r.acceptedOn, result: r.result })) };
}

/** The treasury payments of a contract, with what is paid and unpaid → wire. */
export function paymentListDto(p: ContractParts['payments']): S['PaymentList'] {
  return { items: p.items.map((r) => ({ id: r.id, paid_on: r.paidOn, amount: r.amountFen })), paid: p.paidFen, unpaid: p.unpaidFen };
}

/** The risk flags on a contract's supplier → wire. */
export function riskFlagListDto(items: ContractParts['risk_flags']): S['RiskFlagList'] {
  return {
    items: items.map((r) => ({ id: r.id, kind: r.kind, added_on: r.addedOn, lifted_on: r.liftedOn, ...(r.note ? { note: r.note } : {}) })),
  };
}

/** Audit entry → wire. */
export function dataAccessDto(e: AccessView): S['DataAccessEntry'] {
  return {
    id: e.id,
    at: iso(e.at),
    institution_id: e.institutionId,
    institution_name: e.institutionName,
    application_id: e.applicationId,
    contract_no: e.contractNo,
    part: e.part,
    consent_expires_at: iso(e.consentExpiresAt),
    leaf_index: e.leafIndex,
    leaf_hash: e.leafHash,
  };
}

/** A missed policy deadline → wire. */
export function deadlineBreachDto(b: DeadlineBreachRow & { institutionName: string }): S['DeadlineBreach'] {
  return {
    application_id: b.applicationId,
    contract_no: b.contractNo,
    deadline: b.deadline,
    institution_id: b.institutionId,
    institution_name: b.institutionName,
    region_code: b.regionCode,
    working_days: b.workingDays,
    due_at: iso(b.dueAt),
    recorded_at: iso(b.recordedAt),
  };
}

/** Cursor of the deadline-breach list: the last breach's recording time, application and deadline. */
export const breachCursor = z.strictObject({ at: z.number().int(), id: chars(64), deadline: chars(16) });

/** The cursor after a breach. */
export const breachCursorOf = (b: DeadlineBreachRow) => ({ at: b.recordedAt, id: b.applicationId, deadline: b.deadline });

/** Cursor of the newest-first application lists: the last item's creation time and id. */
export const applicationCursor = z.strictObject({ c: z.number().int(), id: chars(64) });
/** Cursor of the newest-first data-access lists: the last entry's id. */
export const seqCursor = z.strictObject({ before: z.number().int() });

/** The cursor after an application. */
export const applicationCursorOf = (a: Application) => ({ c: a.createdAt, id: a.id });
