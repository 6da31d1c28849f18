import { z } from 'zod';
import { isoTime as iso } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import type { Intent } from './marketplace-store.js';
import type { MarketIntentView, QuoteView, SupplierIntentView } from './marketplace-service.js';
import { chars } from '../../http/fields.js';

type S = components['schemas'];

/** Quote → wire. */
export function quoteDto(q: QuoteView): S['Quote'] {
  return {
    id: q.id,
    intent_id: q.intentId,
    institution_id: q.institutionId,
    institution_name: q.institutionName,
    product_id: q.productId,
    amount: q.amountFen,
    annual_rate_bp: q.annualRateBp,
    term_days: q.termDays,
    fees: q.feesFen,
    ...(q.conditions !== null ? { conditions: q.conditions } : {}),
    valid_until: iso(q.validUntil),
    status: q.status,
    revision: q.revision,
    created_at: iso(q.createdAt),
    updated_at: iso(q.updatedAt),
  };
}

/** An intent as its SME sees it → wire. */
export function supplierIntentDto(i: SupplierIntentView): S['SupplierIntent'] {
  return {
    id: i.id,
    contract_no: i.contractNo,
    amount: i.amountFen,
    term_days: i.termDays,
    visible_fields: i.visibleFields,
    status: i.state,
    expires_at: iso(i.expiresAt),
    live_quotes: i.liveQuotes,
    ...(i.acceptedQuoteId ? { accepted_quote_id: i.acceptedQuoteId } : {}),
    ...(i.applicationId ? { application_id: i.applicationId } : {}),
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
  };
}

/** An intent as a bank sees it → wire. */
export function marketIntentDto(i: MarketIntentView): S['MarketIntent'] {
  return {
    id: i.id,
    amount: i.amountFen,
    term_days: i.termDays,
    category: i.category,
    status: i.state,
    expires_at: iso(i.expiresAt),
    ...(i.purchaserRegionCode ? { purchaser_region_code: i.purchaserRegionCode } : {}),
    ...(i.contractAmountBand ? { contract_amount_band: i.contractAmountBand } : {}),
    ...(i.acceptanceStatus ? { acceptance_status: i.acceptanceStatus } : {}),
    ...(i.myQuote ? { my_quote: quoteDto(i.myQuote) } : {}),
    created_at: iso(i.createdAt),
  };
}

/** Cursor of the newest-first intent lists. */
export const intentCursor = z.strictObject({ c: z.number().int(), id: chars(64) });

/** The cursor after an intent. */
export const intentCursorOf = (i: Pick<Intent, 'createdAt' | 'id'>) => ({ c: i.createdAt, id: i.id });
