import { nextPageToken, pageCursor } from '../../http/pagination.js';
import { institutionOf, supplierOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import { applicationDto, offerDto } from '../financing/financing-dto.js';
import type { MarketplaceService } from './marketplace-service.js';
import { intentCursor, intentCursorOf, marketIntentDto, quoteDto, supplierIntentDto } from './marketplace-dto.js';
import { intentInput, intentListQuery, intentParams, quoteAcceptance, quoteInput, quoteParams } from './marketplace-schemas.js';

/** What the marketplace routes call. */
export interface MarketplaceRouteDeps {
  marketplace: MarketplaceService;
}

const before = (token: string | undefined) => {
  const c = pageCursor(token, intentCursor);
  return c && { createdAt: c.c, id: c.id };
};

/** The SME's and the banks' operations of the financing marketplace. */
export function createMarketplaceRoutes({ marketplace }: MarketplaceRouteDeps) {
  return [
    // SMEs
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/intents',
      operationId: 'createFinancingIntent',
      access: { supplier: true },
      idempotent: true,
      successStatus: 201,
      body: intentInput,
      handler: async ({ body, principal }) =>
        supplierIntentDto(
          await marketplace.publish(supplierOf(principal), {
            contractNo: body.contract_no,
            amountFen: body.amount,
            termDays: body.term_days,
            visibleFields: body.visible_fields,
            expiresAt: body.expires_at,
          }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/intents',
      operationId: 'listSupplierIntents',
      access: { supplier: true },
      query: intentListQuery,
      handler: async ({ query, principal }) => {
        const page = await marketplace.listForSupplier(supplierOf(principal), before(query.page_token), query.page_size);
        return { items: page.items.map(supplierIntentDto), ...nextPageToken(page, intentCursorOf) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/intents/{intentId}/withdraw',
      operationId: 'withdrawFinancingIntent',
      access: { supplier: true },
      idempotent: true,
      params: intentParams,
      handler: async ({ params, principal }) => supplierIntentDto(await marketplace.withdraw(supplierOf(principal), params.intentId)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/intents/{intentId}/quotes',
      operationId: 'listIntentQuotes',
      access: { supplier: true },
      params: intentParams,
      handler: async ({ params, principal }) => {
        const { intent, quotes, offers } = await marketplace.quotes(supplierOf(principal), params.intentId);
        return { intent: supplierIntentDto(intent), quotes: quotes.map(quoteDto), offers: offers.map(offerDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/intents/{intentId}/quotes/{quoteId}/accept',
      operationId: 'acceptQuote',
      access: { supplier: true },
      idempotent: true,
      successStatus: 201,
      params: quoteParams,
      body: quoteAcceptance,
      handler: async ({ params, body, principal }) =>
        applicationDto(
          await marketplace.accept(supplierOf(principal), params.intentId, params.quoteId, {
            parts: body.consent.parts,
            expiresAt: body.consent.expires_at,
            revision: body.quote_revision,
          }),
        ),
    }),

    // Banks
    defineRoute({
      method: 'get',
      path: '/api/v1/intents',
      operationId: 'listFinancingIntents',
      access: { scope: 'institution' },
      query: intentListQuery,
      handler: async ({ query, principal }) => {
        const page = await marketplace.listForInstitution(institutionOf(principal), before(query.page_token), query.page_size);
        return { items: page.items.map(marketIntentDto), ...nextPageToken(page, intentCursorOf) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/intents/{intentId}',
      operationId: 'getFinancingIntent',
      access: { scope: 'institution' },
      params: intentParams,
      handler: async ({ params, principal }) => marketIntentDto(await marketplace.getForInstitution(institutionOf(principal), params.intentId)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/intents/{intentId}/quotes',
      operationId: 'createQuote',
      access: { scope: 'institution' },
      idempotent: true,
      successStatus: 201,
      params: intentParams,
      body: quoteInput,
      handler: async ({ params, body, principal }) =>
        quoteDto(
          await marketplace.quote(institutionOf(principal), params.intentId, {
            productId: body.product_id,
            amountFen: body.amount,
            annualRateBp: body.annual_rate_bp,
            termDays: body.term_days,
            feesFen: body.fees,
            conditions: body.conditions,
            validUntil: body.valid_until,
          }),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/intents/{intentId}/quotes/{quoteId}/withdraw',
      operationId: 'withdrawQuote',
      access: { scope: 'institution' },
      idempotent: true,
      params: quoteParams,
      handler: async ({ params, principal }) => quoteDto(await marketplace.withdrawQuote(institutionOf(principal), params.intentId, params.quoteId)),
    }),
  ];
}
