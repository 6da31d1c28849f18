import { isoTime } from '../../clock.js';
import type { components } from '../../generated/openapi.js';
import { nextPageToken, pageCursor, type Page } from '../../http/pagination.js';
import { bureauOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import { sendCacheable } from '../public/http-cache.js';
import { PUBLIC_PREFIX } from '../public/public-routes.js';
import { publicNoticeView, type NoticeService } from './notices-service.js';
import type { Notice, NoticeContent } from './notices-store.js';
import {
  createNoticeBody,
  listNoticesQuery,
  listPublicNoticesQuery,
  noticeCursor,
  noticeIdParams,
  updateNoticeBody,
  withdrawNoticeBody,
} from './notices-schemas.js';

type S = components['schemas'];

/** A notice on the wire, for bureaus. */
export const noticeDto = (n: Notice): S['Notice'] => ({
  id: n.id,
  kind: n.kind,
  status: n.status,
  region_code: n.regionCode,
  issuing_bureau: { client_id: n.bureauId, name: n.bureauName },
  title: n.title,
  body: n.body,
  ...(n.subject ? { subject: n.subject } : {}),
  ...(n.finding !== null ? { finding: n.finding } : {}),
  ...(n.decisionNo !== null ? { decision_no: n.decisionNo } : {}),
  ...(n.periodStart !== null ? { period_start: n.periodStart } : {}),
  ...(n.periodEnd !== null ? { period_end: n.periodEnd } : {}),
  created_at: isoTime(n.createdAt),
  updated_at: isoTime(n.updatedAt),
  ...(n.publishedAt !== null ? { published_at: isoTime(n.publishedAt) } : {}),
  ...(n.withdrawnAt !== null ? { withdrawn_at: isoTime(n.withdrawnAt) } : {}),
  ...(n.withdrawalReason !== null ? { withdrawal_reason: n.withdrawalReason } : {}),
});

/** The wire's content fields → the domain's (only those given). */
function contentOf(b: { body?: string | undefined; subject?: { name: string; uscc: string } | undefined; finding?: string | undefined; decision_no?: string | undefined; period_start?: string | undefined; period_end?: string | undefined; title?: string | undefined }): Partial<NoticeContent> {
  return {
    ...(b.title !== undefined ? { title: b.title } : {}),
    ...(b.body !== undefined ? { body: b.body } : {}),
    ...(b.subject !== undefined ? { subject: b.subject } : {}),
    ...(b.finding !== undefined ? { finding: b.finding } : {}),
    ...(b.decision_no !== undefined ? { decisionNo: b.decision_no } : {}),
    ...(b.period_start !== undefined ? { periodStart: b.period_start } : {}),
    ...(b.period_end !== undefined ? { periodEnd: b.period_end } : {}),
  };
}

const pageOf = <T>(page: Page<Notice>, dto: (n: Notice) => T, at: (n: Notice) => number) => ({
  items: page.items.map(dto),
  ...nextPageToken(page, (last) => ({ at: at(last), id: last.id })),
});

/** The bureaus' notice operations and the public information release of published notices. */
export function createNoticeRoutes({ notices }: { notices: NoticeService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/notices',
      operationId: 'listNotices',
      access: { scope: 'admin', role: 'viewer' },
      query: listNoticesQuery,
      handler: async ({ principal, query }): Promise<S['NoticePage']> => {
        const page = await notices.list(bureauOf(principal), { status: query.status, kind: query.kind, after: pageCursor(query.page_token, noticeCursor), limit: query.page_size });
        return pageOf(page, noticeDto, (n) => n.updatedAt);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/notices',
      operationId: 'createNotice',
      access: { scope: 'admin', role: 'reviewer' },
      body: createNoticeBody,
      handler: async ({ principal, body, res }): Promise<S['Notice']> => {
        const created = await notices.create(bureauOf(principal), { kind: body.kind, regionCode: body.region_code, ...contentOf(body), title: body.title });
        res.status(201);
        return noticeDto(created);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/notices/{noticeId}',
      operationId: 'updateNotice',
      access: { scope: 'admin', role: 'reviewer' },
      params: noticeIdParams,
      body: updateNoticeBody,
      handler: async ({ principal, params, body }): Promise<S['Notice']> => noticeDto(await notices.update(bureauOf(principal), params.noticeId, contentOf(body))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/notices/{noticeId}/publish',
      operationId: 'publishNotice',
      access: { scope: 'admin', role: 'admin' },
      params: noticeIdParams,
      handler: async ({ principal, params }): Promise<S['Notice']> => noticeDto(await notices.publish(bureauOf(principal), params.noticeId)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/notices/{noticeId}/withdraw',
      operationId: 'withdrawNotice',
      access: { scope: 'admin', role: 'admin' },
      params: noticeIdParams,
      body: withdrawNoticeBody,
      handler: async ({ principal, params, body }): Promise<S['Notice']> => noticeDto(await notices.withdraw(bureauOf(principal), params.noticeId, body.reason)),
    }),
    defineRoute({
      method: 'get',
      path: `${PUBLIC_PREFIX}/notices`,
      operationId: 'listPublicNotices',
      access: { public: true },
      query: listPublicNoticesQuery,
      handler: async ({ query, req, res }) => {
        const page = await notices.listPublic({ region: query.region, kind: query.kind, after: pageCursor(query.page_token, noticeCursor), limit: query.page_size });
        const body: S['PublicNoticePage'] = pageOf(page, publicNoticeView, (n) => n.publishedAt ?? 0);
        return sendCacheable(req, res, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PUBLIC_PREFIX}/notices/{noticeId}`,
      operationId: 'getPublicNotice',
      access: { public: true },
      params: noticeIdParams,
      handler: async ({ params, req, res }) => {
        const body: S['PublicNotice'] = publicNoticeView(await notices.getPublic(params.noticeId));
        return sendCacheable(req, res, body);
      },
    }),
  ];
}
