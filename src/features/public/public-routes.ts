import { productTermsDto } from '../financing/financing-dto.js';
import type { RequestHandler } from 'express';
import type { components } from '../../generated/openapi.js';
import { nextPageToken, pageCursor } from '../../http/pagination.js';
import { problem, sendProblem } from '../../http/problem.js';
import { defineRoute } from '../../http/route.js';
import { PUBLIC_MIN_CELL, type PublicCell, type StatisticsService } from '../statistics/statistics-service.js';
import { sendCacheable } from './http-cache.js';
import type { PublicCatalogue } from './public-catalogue.js';
import type { PublicProduct } from './public-store.js';
import type { Limiter } from '../auth/shared-rate-limit.js';
import { idCursor, listPublicInstitutionsQuery, listPublicProductsQuery, publicStatisticsQuery } from './public-schemas.js';

type S = components['schemas'];

/** Where the public (no-token) operations live; the rate limit guards this prefix. */
export const PUBLIC_PREFIX = '/api/v1/public';

const afterOf = (token: string | undefined) => pageCursor(token, idCursor)?.after;
const next = (page: { items: { id: string }[]; more: boolean }) => nextPageToken(page, (last) => ({ after: last.id }));

/** Product → public wire: terms and who offers it, nothing about its review. */
export const publicProductDto = (p: PublicProduct): S['PublicProduct'] => productTermsDto(p, p.institutionName);

/** Published cell → wire: a withheld group is nulls, and named in `suppressed`. */
export function publicCellDto(c: PublicCell): S['PublicStatisticsRow'] {
  const suppressed: S['PublicStatisticsRow']['suppressed'] = [];
  if (!c.applications) suppressed.push('applications');
  if (!c.approvals) suppressed.push('approvals');
  if (!c.disbursements) suppressed.push('disbursements');
  return {
    league_code: c.leagueCode,
    league_name: c.leagueName,
    month: c.month,
    applications: c.applications?.count ?? null,
    sme_share_bp: c.applications?.smeShareBp ?? null,
    applied_amount: c.applications?.appliedFen ?? null,
    approvals: c.approvals?.count ?? null,
    approved_amount: c.approvals?.approvedFen ?? null,
    disbursements: c.disbursements?.count ?? null,
    disbursed_amount: c.disbursements?.disbursedFen ?? null,
    median_hours_to_funds: c.disbursements?.medianHours ?? null,
    suppressed,
  };
}

/** Refuses a client address over its budget with 429 and `Retry-After`; runs before validation so junk counts too. */
export function publicRateLimit(limiter: Limiter): RequestHandler {
  return (req, res, next) => {
    Promise.resolve(limiter.take(req.ip ?? req.socket.remoteAddress ?? 'unknown')).then((verdict) => {
      if (verdict.ok) {
        next();
        return;
      }
      sendProblem(res, problem(429, 'rate_limited', 'Too many requests from this address; retry after the given seconds.'), {
        'Retry-After': String(verdict.retryAfterS),
      });
    }, next);
  };
}

/** The public information-release routes: institutions, products, aggregate statistics. */
export function createPublicRoutes({ catalogue, statistics }: { catalogue: PublicCatalogue; statistics: StatisticsService }) {
  return [
    defineRoute({
      method: 'get',
      path: `${PUBLIC_PREFIX}/institutions`,
      operationId: 'listPublicInstitutions',
      access: { public: true },
      query: listPublicInstitutionsQuery,
      handler: async ({ query, req, res }) => {
        const page = await catalogue.institutions({ region: query.region, afterId: afterOf(query.page_token), limit: query.page_size });
        const body: S['PublicInstitutionPage'] = {
          items: page.items.map((i) => ({
            id: i.id,
            name: i.name,
            type: i.type,
            coverage: i.coverage,
            products: i.products.map(publicProductDto),
          })),
          ...next(page),
        };
        return sendCacheable(req, res, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PUBLIC_PREFIX}/products`,
      operationId: 'listPublicProducts',
      access: { public: true },
      query: listPublicProductsQuery,
      handler: async ({ query, req, res }) => {
        const page = await catalogue.products({
          region: query.region,
          category: query.category,
          afterId: afterOf(query.page_token),
          limit: query.page_size,
        });
        const body: S['PublicProductPage'] = { items: page.items.map(publicProductDto), ...next(page) };
        return sendCacheable(req, res, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PUBLIC_PREFIX}/statistics`,
      operationId: 'getPublicStatistics',
      access: { public: true },
      query: publicStatisticsQuery,
      handler: async ({ query, req, res }) => {
        const s = await statistics.publicStatistics(query);
        const body: S['PublicStatistics'] = { from: s.from, to: s.to, min_cell: PUBLIC_MIN_CELL, items: s.cells.map(publicCellDto) };
        return sendCacheable(req, res, body);
      },
    }),
  ];
}
