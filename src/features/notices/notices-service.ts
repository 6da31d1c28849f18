import { randomBytes } from 'node:crypto';
import { epochMs, isoTime, systemClock, type Clock } from '../../clock.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import type { Transactional } from '../../transactional.js';
import type { Outbox } from '../events/outbox.js';
import { consentLive } from '../events/plan-deliveries.js';
import { OutsideRegionError } from '../institutions/institutions-service.js';
import type { RegionService } from '../regions/regions-service.js';
import { chinaDate } from '../statistics/period.js';
import type { Notice, NoticeContent, NoticeCursor, NoticeKind, NoticeStatus, NoticeStore } from './notices-store.js';

/** What one notice change writes: the notices and, for a published record, the outbox. */
export interface NoticeUnit {
  notices: NoticeStore;
  outbox: Outbox;
}

/** A new notice as submitted. */
export type NoticeInput = Partial<NoticeContent> & { kind: NoticeKind; title: string; regionCode?: string | undefined };

/** The kinds that are records about a subject (a supplier), with the fields they must carry. */
const RECORD_KINDS: readonly NoticeKind[] = ['dishonesty', 'penalty'];

/** The audit actor and author: the member of staff when one acts, else the bureau. */
const actorId = (a: BureauPrincipal): string => a.staffId ?? a.clientId;

const notFound = () => new NotFoundError('notice_not_found', 'No such notice.');

/** The body fields a notice of `kind` lacks or must not have; empty when it is complete. */
export function noticeIssues(kind: NoticeKind, c: NoticeContent): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (field: string, detail: string) => issues.push({ in: 'body', pointer: `/${field}`, detail });
  if (RECORD_KINDS.includes(kind)) {
    if (!c.subject) issue('subject', `a ${kind} record names its subject`);
    if (!c.finding) issue('finding', `a ${kind} record says what was found`);
    if (!c.decisionNo) issue('decision_no', `a ${kind} record gives the decision document number`);
    if (!c.periodStart) issue('period_start', `a ${kind} record has a period`);
    if (!c.periodEnd) issue('period_end', `a ${kind} record has a period`);
    if (c.periodStart && c.periodEnd && c.periodStart > c.periodEnd) issue('period_end', 'the period ends before it starts');
  } else {
    for (const [field, value] of [['subject', c.subject], ['decision_no', c.decisionNo]] as const) {
      if (value) issue(field, 'a policy notice names no subject and no decision');
    }
    if (!c.body.trim()) issue('body', 'a policy notice has a body');
  }
  return issues;
}

/**
 * Information release (信息发布) and 失信通报: bureaus write notices and records for their region or below,
 * publish and withdraw them; the public interface serves what is published. A bureau sees, changes and
 * publishes only notices of its subtree; the rest do not exist for it.
 */
export class NoticeService {
  private readonly clock: Clock;

  constructor(private readonly deps: { store: NoticeStore; transactional: Transactional<NoticeUnit>; regions: RegionService; clock?: Clock }) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Writes a draft issued by `actor` for its region or one below. */
  async create(actor: BureauPrincipal, input: NoticeInput): Promise<Notice> {
    const regionCode = input.regionCode ?? actor.regionCode;
    if (!(await this.deps.regions.isWithin(regionCode, actor.regionCode))) {
      throw new OutsideRegionError(`Region ${regionCode} is outside the region your bureau administers.`);
    }
    const content = contentOf(input);
    const issues = noticeIssues(input.kind, content);
    if (issues.length) throw new ValidationError(issues);
    const now = epochMs(this.clock);
    const id = `ntc_${randomBytes(12).toString('hex')}`;
    return this.deps.transactional(async ({ notices }) => {
      await notices.insert({
        id,
        kind: input.kind,
        status: 'draft',
        regionCode,
        bureauId: actor.bureauId,
        ...content,
        createdBy: actorId(actor),
        createdAt: now,
        updatedAt: now,
        publishedAt: null,
        withdrawnAt: null,
        withdrawalReason: null,
      });
      const created = (await notices.get(id))!;
      await notices.audit({ at: now, actor: actorId(actor), action: 'createNotice', target: id, before: null, after: created });
      return created;
    });
  }

  /** Changes a draft; the result must still be complete. */
  async update(actor: BureauPrincipal, id: string, patch: Partial<NoticeContent>): Promise<Notice> {
    return this.change(actor, id, 'updateNotice', (n) => {
      if (n.status !== 'draft') throw new ConflictError('notice_not_draft', `Only a draft is changed; this notice is ${n.status}.`, { notice_status: n.status });
      const next = { ...n, ...definedOf(patch) };
      const issues = noticeIssues(n.kind, next);
      if (issues.length) throw new ValidationError(issues);
      return next;
    });
  }

  /** Publishes a draft; a record about a supplier goes to the banks holding consent to its risk flags. */
  async publish(actor: BureauPrincipal, id: string): Promise<Notice> {
    return this.change(actor, id, 'publishNotice', (n, now) => {
      if (n.status !== 'draft') throw new ConflictError('notice_not_draft', `Only a draft is published; this notice is ${n.status}.`, { notice_status: n.status });
      return { ...n, status: 'published', publishedAt: now };
    }, async (published, { outbox }, now) => {
      if (!RECORD_KINDS.includes(published.kind) || !published.subject) return;
      const holders = await outbox.consentHolders({ contractNos: [], supplierUsccs: [published.subject.uscc] });
      const targets = holders
        .filter((h) => consentLive(h, now) && h.parts.includes('risk_flags'))
        .map((h) => ({ institutionId: h.institutionId, applicationId: h.applicationId, data: { application_id: h.applicationId, contract_no: h.contractNo, notice: publicNoticeView(published) } }));
      await outbox.recordTargeted({ id: `notice.published/${published.id}`, type: 'notice.published', contractNo: null, payload: { notice_id: published.id, uscc: published.subject.uscc }, targets });
    });
  }

  /** Takes a published notice off the public interface. */
  async withdraw(actor: BureauPrincipal, id: string, reason: string): Promise<Notice> {
    return this.change(actor, id, 'withdrawNotice', (n, now) => {
      if (n.status !== 'published') throw new ConflictError('notice_not_published', `Only a published notice is withdrawn; this notice is ${n.status}.`, { notice_status: n.status });
      return { ...n, status: 'withdrawn', withdrawnAt: now, withdrawalReason: reason };
    });
  }

  /** One page of the notices of the actor's subtree, latest change first. */
  async list(actor: BureauPrincipal, q: { status?: NoticeStatus | undefined; kind?: NoticeKind | undefined; after?: NoticeCursor | undefined; limit: number }): Promise<Page<Notice>> {
    const regions = await this.deps.regions.subtreeCodes(actor.regionCode);
    return readPage(q.limit, (limit) => this.deps.store.list({ ...q, regions, limit }));
  }

  /** One page of what the public sees: published, and for a record, within its period. */
  async listPublic(q: { region?: string | undefined; kind?: NoticeKind | undefined; after?: NoticeCursor | undefined; limit: number }): Promise<Page<Notice>> {
    const regions = q.region === undefined ? undefined : await this.deps.regions.subtreeCodes(q.region);
    const today = chinaDate(epochMs(this.clock));
    return readPage(q.limit, (limit) => this.deps.store.listPublished({ today, regions, kind: q.kind, after: q.after, limit }));
  }

  /** A notice the public may see; 404 otherwise. */
  async getPublic(id: string): Promise<Notice> {
    const n = await this.deps.store.get(id);
    if (!n || !publiclyVisible(n, chinaDate(epochMs(this.clock)))) throw notFound();
    return n;
  }

  private async change(
    actor: BureauPrincipal,
    id: string,
    action: string,
    next: (n: Notice, now: number) => Notice,
    after?: (n: Notice, unit: NoticeUnit, now: number) => Promise<void>,
  ): Promise<Notice> {
    const own = await this.deps.regions.subtree(actor.regionCode);
    return this.deps.transactional(async (unit) => {
      const found = await unit.notices.get(id);
      if (!found || !own.has(found.regionCode)) throw notFound();
      const now = epochMs(this.clock);
      const changed = { ...next(found, now), updatedAt: now };
      await unit.notices.save(changed);
      await unit.notices.audit({ at: now, actor: actorId(actor), action, target: id, before: found, after: changed });
      await after?.(changed, unit, now);
      return changed;
    });
  }
}

/** Published, and a record not past the end of its period. */
export function publiclyVisible(n: Notice, today: string): boolean {
  return n.status === 'published' && (n.periodEnd === null || n.periodEnd >= today);
}

/** A notice as the public interface and the banks see it. */
export function publicNoticeView(n: Notice) {
  return {
    id: n.id,
    kind: n.kind,
    region_code: n.regionCode,
    issuing_bureau_name: n.bureauName,
    title: n.title,
    body: n.body,
    ...(n.subject ? { subject: n.subject } : {}),
    ...(n.finding !== null ? { finding: n.finding } : {}),
    ...(n.decisionNo !== null ? { decision_no: n.decisionNo } : {}),
    ...(n.periodStart !== null ? { period_start: n.periodStart } : {}),
    ...(n.periodEnd !== null ? { period_end: n.periodEnd } : {}),
    published_at: isoTime(n.publishedAt ?? n.updatedAt),
  };
}

function contentOf(input: Partial<NoticeContent> & { title: string }): NoticeContent {
  return {
    title: input.title,
    body: input.body ?? '',
    subject: input.subject ?? null,
    finding: input.finding ?? null,
    decisionNo: input.decisionNo ?? null,
    periodStart: input.periodStart ?? null,
    periodEnd: input.periodEnd ?? null,
  };
}

function definedOf(patch: Partial<NoticeContent>): Partial<NoticeContent> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<NoticeContent>;
}
