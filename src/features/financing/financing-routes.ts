import type { z } from 'zod';
import { afterCursor, nextPageToken, pageCursor, type Page } from '../../http/pagination.js';
import { CST_OFFSET_MS } from '../statistics/period.js';
import { bureauOf, institutionOf, supplierOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import type { ApplicationService, ApplicationView } from './applications-service.js';
import type { ProductService, ProductTerms } from './products-service.js';
import {
  acceptanceListDto,
  applicationCursor,
  applicationCursorOf,
  applicationDetailDto,
  applicationDto,
  breachCursor,
  breachCursorOf,
  contractDto,
  creditLineDto,
  dataAccessDto,
  deadlineBreachDto,
  offerDto,
  supplierApplicationDetailDto,
  paymentListDto,
  productDto,
  riskFlagListDto,
  seqCursor,
  supplierContractDto,
} from './financing-dto.js';
import {
  adminApplicationsQuery,
  adminProductsQuery,
  applicationInput,
  applicationParams,
  bankListQuery,
  contractParams,
  creditLineInput,
  creditLineParams,
  creditLineQuery,
  deadlineBreachesQuery,
  decisionInput,
  disbursementInput,
  listQuery,
  productInput,
  productParams,
  productPatch,
  productReview,
  reasonInput,
  repaymentInput,
  settlementInput,
} from './financing-schemas.js';

/** What the financing routes call. */
export interface FinancingRouteDeps {
  products: ProductService;
  applications: ApplicationService;
}

/** A product's terms as a body carries them (all of them to create, some to update). */
type TermsBody = z.infer<typeof productPatch>;

function terms(b: TermsBody): Partial<ProductTerms> {
  const out: Partial<ProductTerms> = {};
  if (b.name !== undefined) out.name = b.name;
  if (b.max_amount !== undefined) out.maxAmountFen = b.max_amount;
  if (b.max_share_bp !== undefined) out.maxShareBp = b.max_share_bp;
  if (b.rate_min_bp !== undefined) out.rateMinBp = b.rate_min_bp;
  if (b.rate_max_bp !== undefined) out.rateMaxBp = b.rate_max_bp;
  if (b.term_min_days !== undefined) out.termMinDays = b.term_min_days;
  if (b.term_max_days !== undefined) out.termMaxDays = b.term_max_days;
  if (b.categories !== undefined) out.categories = b.categories;
  if (b.regions !== undefined) out.regions = b.regions;
  if (b.fee_bp !== undefined) out.feeBp = b.fee_bp;
  if (b.decide_days !== undefined) out.decideDays = b.decide_days;
  if (b.disburse_days !== undefined) out.disburseDays = b.disburse_days;
  if (b.requirements !== undefined) out.requirements = b.requirements;
  return out;
}

/** Every term of a creation body. */
const allTerms = (b: z.infer<typeof productInput>): ProductTerms => terms(b) as ProductTerms;

const reason = (b: z.infer<typeof reasonInput> | undefined) => ({ code: b?.reason_code, text: b?.reason_text });

const DAY_MS = 86_400_000;

/** The first instant of a calendar day in China Standard Time, the day bureaus read. */
const cstDayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS;

/** The `before` cursor of an application list's page token. */
const applicationsBefore = (token: string | undefined) => {
  const c = pageCursor(token, applicationCursor);
  return c && { createdAt: c.c, id: c.id };
};

const applicationPage = (page: Page<ApplicationView>) => ({
  items: page.items.map(applicationDto),
  ...nextPageToken(page, applicationCursorOf),
});

/** Every products, SME, bank and supervision route of the financing lifecycle. */
export function createFinancingRoutes(deps: FinancingRouteDeps) {
  const { products, applications } = deps;

  return [
    // Products
    defineRoute({
      method: 'post',
      path: '/api/v1/products',
      operationId: 'createProduct',
      access: { scope: 'institution' },
      idempotent: true,
      successStatus: 201,
      body: productInput,
      handler: async ({ body, principal }) => {
        return productDto(await products.create(institutionOf(principal), allTerms(body)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/products',
      operationId: 'listProducts',
      access: { scope: 'institution' },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const page = await products.list(institutionOf(principal), pageCursor(query.page_token, afterCursor)?.after, query.page_size);
        return { items: page.items.map(productDto), ...nextPageToken(page, (p) => ({ after: p.id })) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/products/{productId}',
      operationId: 'updateProduct',
      access: { scope: 'institution' },
      idempotent: true,
      params: productParams,
      body: productPatch,
      handler: async ({ params, body, principal }) => {
        return productDto(await products.update(institutionOf(principal), params.productId, terms(body)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/products',
      operationId: 'listAdminProducts',
      access: { scope: 'admin', role: 'viewer' },
      query: adminProductsQuery,
      handler: async ({ query, principal }) => {
        const page = await products.listForBureau(bureauOf(principal), query.status, pageCursor(query.page_token, afterCursor)?.after, query.page_size);
        return { items: page.items.map(productDto), ...nextPageToken(page, (p) => ({ after: p.id })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/products/{productId}/review',
      operationId: 'reviewProduct',
      access: { scope: 'admin', role: 'reviewer' },
      params: productParams,
      body: productReview,
      handler: async ({ params, body, principal }) => {
        return productDto(await products.review(bureauOf(principal), params.productId, body.decision, body.reason));
      },
    }),

    // Supervision
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/applications',
      operationId: 'listAdminApplications',
      access: { scope: 'admin', role: 'viewer' },
      query: adminApplicationsQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.listForBureau(bureauOf(principal), {
          status: query.status,
          region: query.region,
          institutionId: query.institution_id,
          createdFrom: query.created_from === undefined ? undefined : cstDayStart(query.created_from),
          createdBefore: query.created_to === undefined ? undefined : cstDayStart(query.created_to) + DAY_MS,
          amountMin: query.amount_min,
          amountMax: query.amount_max,
          before: applicationsBefore(query.page_token),
          limit: query.page_size,
        });
        return applicationPage(page);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/applications/{applicationId}',
      operationId: 'getAdminApplication',
      access: { scope: 'admin', role: 'viewer' },
      params: applicationParams,
      handler: async ({ params, principal }) => applicationDetailDto(await applications.getForBureau(bureauOf(principal), params.applicationId)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/deadline-breaches',
      operationId: 'listDeadlineBreaches',
      access: { scope: 'admin', role: 'viewer' },
      query: deadlineBreachesQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.breachesForBureau(bureauOf(principal), {
          region: query.region,
          deadline: query.deadline,
          before: pageCursor(query.page_token, breachCursor),
          limit: query.page_size,
        });
        return { items: page.items.map(deadlineBreachDto), ...nextPageToken(page, breachCursorOf) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/data-access',
      operationId: 'listAdminDataAccess',
      access: { scope: 'admin', role: 'viewer' },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.dataAccessForBureau(bureauOf(principal), pageCursor(query.page_token, seqCursor)?.before, query.page_size);
        return { items: page.items.map(dataAccessDto), ...nextPageToken(page, (e) => ({ before: e.id })) };
      },
    }),

    // Credit lines (提前授信)
    defineRoute({
      method: 'post',
      path: '/api/v1/credit-lines',
      operationId: 'createCreditLine',
      access: { scope: 'institution' },
      idempotent: true,
      successStatus: 201,
      body: creditLineInput,
      handler: async ({ body, principal }) =>
        creditLineDto(
          await applications.createCreditLine(institutionOf(principal), {
            supplierUscc: body.supplier_uscc,
            amountFen: body.amount,
            annualRateBp: body.annual_rate_bp,
            validUntil: body.valid_until,
          }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/credit-lines',
      operationId: 'listCreditLines',
      access: { scope: 'institution' },
      query: creditLineQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.listCreditLines(institutionOf(principal), {
          supplierUscc: query.supplier_uscc,
          before: applicationsBefore(query.page_token),
          limit: query.page_size,
        });
        return { items: page.items.map(creditLineDto), ...nextPageToken(page, (l) => ({ c: l.createdAt, id: l.id })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/credit-lines/{creditLineId}/revoke',
      operationId: 'revokeCreditLine',
      access: { scope: 'institution' },
      idempotent: true,
      params: creditLineParams,
      handler: async ({ params, principal }) => creditLineDto(await applications.revokeCreditLine(institutionOf(principal), params.creditLineId)),
    }),

    // SMEs
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/contracts',
      operationId: 'listSupplierContracts',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.listSupplierContracts(supplierOf(principal), pageCursor(query.page_token, afterCursor)?.after, query.page_size);
        return { items: page.items.map(supplierContractDto), ...nextPageToken(page, (c) => ({ after: c.contractNo })) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/contracts/{contractNo}/offers',
      operationId: 'listContractOffers',
      access: { supplier: true },
      params: contractParams,
      handler: async ({ params, principal }) => {
        const { contract, offers, creditLines } = await applications.offers(supplierOf(principal), params.contractNo);
        return {
          contract_no: contract.contractNo,
          financeable: contract.reasons.length === 0,
          items: offers.map(offerDto),
          credit_lines: creditLines.map(creditLineDto),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/applications',
      operationId: 'createApplication',
      access: { supplier: true },
      idempotent: true,
      successStatus: 201,
      body: applicationInput,
      handler: async ({ body, principal }) => {
        return applicationDto(
          await applications.create(supplierOf(principal), {
            contractNo: body.contract_no,
            productId: body.product_id,
            requestedAmountFen: body.requested_amount,
            parts: body.consent.parts,
            expiresAt: body.consent.expires_at,
          }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/applications',
      operationId: 'listSupplierApplications',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        return applicationPage(await applications.listForSupplier(supplierOf(principal), applicationsBefore(query.page_token), query.page_size));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/applications/{applicationId}',
      operationId: 'getSupplierApplication',
      access: { supplier: true },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        return supplierApplicationDetailDto(await applications.supplierDetail(supplierOf(principal), params.applicationId));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/applications/{applicationId}/withdraw',
      operationId: 'withdrawApplication',
      access: { supplier: true },
      params: applicationParams,
      body: reasonInput,
      handler: async ({ params, body, principal }) => {
        return applicationDto(await applications.withdraw(supplierOf(principal), params.applicationId, reason(body)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/applications/{applicationId}/consent/revoke',
      operationId: 'revokeConsent',
      access: { supplier: true },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        return applicationDto(await applications.revokeConsent(supplierOf(principal), params.applicationId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/data-access',
      operationId: 'listDataAccess',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const page = await applications.dataAccessForSupplier(supplierOf(principal), pageCursor(query.page_token, seqCursor)?.before, query.page_size);
        return { items: page.items.map(dataAccessDto), ...nextPageToken(page, (e) => ({ before: e.id })) };
      },
    }),

    // Banks
    defineRoute({
      method: 'get',
      path: '/api/v1/applications',
      operationId: 'listApplications',
      access: { scope: 'institution' },
      query: bankListQuery,
      handler: async ({ query, principal }) => {
        return applicationPage(await applications.listForInstitution(institutionOf(principal), query.status, applicationsBefore(query.page_token), query.page_size));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}',
      operationId: 'getApplication',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        return applicationDetailDto(await applications.getForInstitution(institutionOf(principal), params.applicationId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/contract',
      operationId: 'getApplicationContract',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        return contractDto(await applications.readPart(institutionOf(principal), params.applicationId, 'contract'));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/acceptances',
      operationId: 'listApplicationAcceptances',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) =>
        acceptanceListDto(await applications.readPart(institutionOf(principal), params.applicationId, 'acceptances')),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/payments',
      operationId: 'listApplicationPayments',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) =>
        paymentListDto(await applications.readPart(institutionOf(principal), params.applicationId, 'payments')),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/risk-flags',
      operationId: 'listApplicationRiskFlags',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) =>
        riskFlagListDto(await applications.readPart(institutionOf(principal), params.applicationId, 'risk_flags')),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/review',
      operationId: 'startReview',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: reasonInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(await applications.startReview(institutionOf(principal), params.applicationId, reason(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/decision',
      operationId: 'decideApplication',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: decisionInput,
      handler: async ({ params, body, principal }) => {
        const p = institutionOf(principal);
        const a =
          body.decision === 'approve'
            ? await applications.approve(p, params.applicationId, {
                amountFen: body.amount,
                annualRateBp: body.annual_rate_bp,
                termDays: body.term_days,
                account: {
                  bankName: body.collection_account.bank_name,
                  accountName: body.collection_account.account_name,
                  accountNumber: body.collection_account.account_number,
                },
                creditLineId: body.credit_line_id,
              })
            : await applications.reject(p, params.applicationId, body.reason_code, body.reason_text);
        return applicationDetailDto(a);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/disbursements',
      operationId: 'createDisbursement',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: disbursementInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(
          await applications.disburse(institutionOf(principal), params.applicationId, {
            loanNo: body.loan_no,
            amountFen: body.amount,
            on: body.disbursed_on,
          }),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/repayments',
      operationId: 'createRepayment',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: repaymentInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(
          await applications.repay(institutionOf(principal), params.applicationId, {
            amountFen: body.amount,
            on: body.repaid_on,
            reference: body.reference,
          }),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/settlement',
      operationId: 'settleApplication',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: settlementInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(await applications.settle(institutionOf(principal), params.applicationId, { on: body.settled_on, note: body.note })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/overdue',
      operationId: 'reportOverdue',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: reasonInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(await applications.markOverdue(institutionOf(principal), params.applicationId, reason(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/default',
      operationId: 'reportDefault',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: reasonInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(await applications.markDefaulted(institutionOf(principal), params.applicationId, reason(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/cancel',
      operationId: 'cancelApplication',
      access: { scope: 'institution' },
      idempotent: true,
      params: applicationParams,
      body: reasonInput,
      handler: async ({ params, body, principal }) =>
        applicationDetailDto(await applications.cancel(institutionOf(principal), params.applicationId, reason(body))),
    }),
  ];
}
