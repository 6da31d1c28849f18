import { defineRoute } from '../../http/route.js';
import { bureauOf, institutionOf, supplierOf } from '../../http/principal-of.js';
import type { ApplicationService } from './applications-service.js';
import type { ProductService, ProductTerms } from './products-service.js';
import type { Application, DataAccessEntry, Product } from './financing-store.js';
import type { ContractSource, InstitutionDirectory } from './ports.js';
import {
  acceptanceList,
  paymentList,
  riskFlagList,
} from './contract-parts.js';
import {
  applicationCursor,
  applicationDto,
  contractDto,
  cursor,
  dataAccessDto,
  idCursor,
  nextApplicationToken,
  nextIdToken,
  nextSeqToken,
  offerDto,
  productDto,
  seqCursor,
  supplierContractDto,
  transitionDto,
} from './financing-dto.js';
import {
  adminApplicationsQuery,
  adminProductsQuery,
  applicationInput,
  applicationParams,
  bankListQuery,
  contractParams,
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
  contracts: ContractSource;
  institutions: InstitutionDirectory;
  now?: () => number;
}

type TermsBody = Partial<{
  name: string;
  max_amount: number;
  max_share_bp: number;
  rate_min_bp: number;
  rate_max_bp: number;
  term_min_days: number;
  term_max_days: number;
  categories: ProductTerms['categories'];
  regions: string[];
}>;

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
  return out;
}

const reason = (b: { reason_code?: string; reason_text?: string } | undefined) => ({
  code: b?.reason_code,
  text: b?.reason_text,
});

/** Every products, SME, bank and supervision route of the financing lifecycle. */
export function createFinancingRoutes(deps: FinancingRouteDeps) {
  const { products, applications, contracts, institutions } = deps;
  const now = deps.now ?? Date.now;

  const names = async (ids: string[]) => {
    const found = await institutions.getMany([...new Set(ids)]);
    return (id: string) => found.get(id)?.name ?? '';
  };
  const productsOut = async (items: Product[]) => {
    const name = await names(items.map((p) => p.institutionId));
    return items.map((p) => productDto(p, name(p.institutionId)));
  };
  const applicationsOut = async (items: Application[]) => {
    const name = await names(items.map((a) => a.institutionId));
    const at = now();
    return items.map((a) => applicationDto(a, name(a.institutionId), at));
  };
  const accessOut = async (items: DataAccessEntry[]) => {
    const name = await names(items.map((e) => e.institutionId));
    return items.map((e) => dataAccessDto(e, name(e.institutionId)));
  };
  const detail = async (a: Application) => {
    const [out] = await applicationsOut([a]);
    // Only called with an application the service just returned to its owner.
    return { ...out!, history: (await applications.history(a.id)).map(transitionDto) };
  };

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
        const p = await products.create(institutionOf(principal), terms(body) as ProductTerms);
        return (await productsOut([p]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/products',
      operationId: 'listProducts',
      access: { scope: 'institution' },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const after = cursor(query.page_token, idCursor)?.after;
        const page = await products.list(institutionOf(principal), after, query.page_size);
        return { items: await productsOut(page.items), ...nextIdToken(page.more, page.items.at(-1)?.id) };
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
        const p = await products.update(institutionOf(principal), params.productId, terms(body));
        return (await productsOut([p]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/products',
      operationId: 'listAdminProducts',
      access: { scope: 'admin', role: 'viewer' },
      query: adminProductsQuery,
      handler: async ({ query, principal }) => {
        const after = cursor(query.page_token, idCursor)?.after;
        const page = await products.listForBureau(bureauOf(principal), query.status, after, query.page_size);
        return { items: await productsOut(page.items), ...nextIdToken(page.more, page.items.at(-1)?.id) };
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
        const p = await products.review(bureauOf(principal), params.productId, body.decision, body.reason);
        return (await productsOut([p]))[0];
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
        const before = cursor(query.page_token, applicationCursor);
        const page = await applications.listForBureau(bureauOf(principal), {
          status: query.status,
          region: query.region,
          before: before && { createdAt: before.c, id: before.id },
          limit: query.page_size,
        });
        return { items: await applicationsOut(page.items), ...nextApplicationToken(page.more, page.items.at(-1)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/data-access',
      operationId: 'listAdminDataAccess',
      access: { scope: 'admin', role: 'viewer' },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const before = cursor(query.page_token, seqCursor)?.before;
        const page = await applications.dataAccessForBureau(bureauOf(principal), before, query.page_size);
        return { items: await accessOut(page.items), ...nextSeqToken(page.more, page.items.at(-1)?.id) };
      },
    }),

    // SMEs
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/contracts',
      operationId: 'listSupplierContracts',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const after = cursor(query.page_token, idCursor)?.after;
        const page = await applications.listSupplierContracts(supplierOf(principal), after, query.page_size);
        return { items: page.items.map(supplierContractDto), ...nextIdToken(page.more, page.items.at(-1)?.contractNo) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/contracts/{contractNo}/offers',
      operationId: 'listContractOffers',
      access: { supplier: true },
      params: contractParams,
      handler: async ({ params, principal }) => {
        const { contract, offers } = await applications.offers(supplierOf(principal), params.contractNo);
        return { contract_no: contract.contractNo, financeable: contract.reasons.length === 0, items: offers.map(offerDto) };
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
        const a = await applications.create(supplierOf(principal), {
          contractNo: body.contract_no,
          productId: body.product_id,
          requestedAmountFen: body.requested_amount,
          parts: body.consent.parts,
          expiresAt: body.consent.expires_at,
        });
        return (await applicationsOut([a]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/applications',
      operationId: 'listSupplierApplications',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const before = cursor(query.page_token, applicationCursor);
        const page = await applications.listForSupplier(supplierOf(principal), before && { createdAt: before.c, id: before.id }, query.page_size);
        return { items: await applicationsOut(page.items), ...nextApplicationToken(page.more, page.items.at(-1)) };
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
        const a = await applications.withdraw(supplierOf(principal), params.applicationId, reason(body));
        return (await applicationsOut([a]))[0];
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/supplier/applications/{applicationId}/consent/revoke',
      operationId: 'revokeConsent',
      access: { supplier: true },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        const a = await applications.revokeConsent(supplierOf(principal), params.applicationId);
        return (await applicationsOut([a]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/supplier/data-access',
      operationId: 'listDataAccess',
      access: { supplier: true },
      query: listQuery,
      handler: async ({ query, principal }) => {
        const before = cursor(query.page_token, seqCursor)?.before;
        const page = await applications.dataAccessForSupplier(supplierOf(principal), before, query.page_size);
        return { items: await accessOut(page.items), ...nextSeqToken(page.more, page.items.at(-1)?.id) };
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
        const before = cursor(query.page_token, applicationCursor);
        const page = await applications.listForInstitution(
          institutionOf(principal),
          query.status,
          before && { createdAt: before.c, id: before.id },
          query.page_size,
        );
        return { items: await applicationsOut(page.items), ...nextApplicationToken(page.more, page.items.at(-1)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}',
      operationId: 'getApplication',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        const { application, history } = await applications.getForInstitution(institutionOf(principal), params.applicationId);
        const [out] = await applicationsOut([application]);
        return { ...out!, history: history.map(transitionDto) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/contract',
      operationId: 'getApplicationContract',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: async ({ params, principal }) => {
        const c = await applications.readPart(institutionOf(principal), params.applicationId, 'contract', (no) => contracts.get(no));
        return contractDto(c);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/acceptances',
      operationId: 'listApplicationAcceptances',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: ({ params, principal }) =>
        applications.readPart(institutionOf(principal), params.applicationId, 'acceptances', (no) => acceptanceList(contracts, no)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/payments',
      operationId: 'listApplicationPayments',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: ({ params, principal }) =>
        applications.readPart(institutionOf(principal), params.applicationId, 'payments', (no) => paymentList(contracts, no)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}/risk-flags',
      operationId: 'listApplicationRiskFlags',
      access: { scope: 'institution' },
      params: applicationParams,
      handler: ({ params, principal }) =>
        applications.readPart(institutionOf(principal), params.applicationId, 'risk_flags', (no) => riskFlagList(contracts, no)),
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
        detail(await applications.startReview(institutionOf(principal), params.applicationId, reason(body))),
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
              })
            : await applications.reject(p, params.applicationId, body.reason_code, body.reason_text);
        return detail(a);
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
        detail(
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
        detail(
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
        detail(await applications.settle(institutionOf(principal), params.applicationId, { on: body.settled_on, note: body.note })),
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
        detail(await applications.markOverdue(institutionOf(principal), params.applicationId, reason(body))),
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
        detail(await applications.markDefaulted(institutionOf(principal), params.applicationId, reason(body))),
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
        detail(await applications.cancel(institutionOf(principal), params.applicationId, reason(body))),
    }),
  ];
}
