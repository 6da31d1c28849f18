import type { AdminAuditEntry } from '../audit/admin-audit.js';

/** 政策通知, 失信行为记录, 行政处罚. */
export type NoticeKind = 'policy' | 'dishonesty' | 'penalty';

/** Where a notice stands: only `published` is public. */
export type NoticeStatus = 'draft' | 'published' | 'withdrawn';

/** What a bureau writes; the record fields are set for `dishonesty` and `penalty`. */
export interface NoticeContent {
  title: string;
  body: string;
  subject: { name: string; uscc: string } | null;
  finding: string | null;
  decisionNo: string | null;
  /** `YYYY-MM-DD`, both inclusive. */
  periodStart: string | null;
  periodEnd: string | null;
}

/** A notice or record, as stored. Times are epoch milliseconds. */
export interface Notice extends NoticeContent {
  id: string;
  kind: NoticeKind;
  status: NoticeStatus;
  regionCode: string;
  bureauId: string;
  bureauName: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  withdrawnAt: number | null;
  withdrawalReason: string | null;
}

/** Cursor of the lists: newest first by a time, then id. */
export interface NoticeCursor {
  at: number;
  id: string;
}

/** Persistence of notices. */
export interface NoticeStore {
  insert(n: Omit<Notice, 'bureauName'>): Promise<void>;
  /** Writes every mutable field of `n` (content, status and its times). */
  save(n: Notice): Promise<void>;
  get(id: string): Promise<Notice | undefined>;
  /** Notices of these regions, latest change first. */
  list(q: { regions: readonly string[]; status?: NoticeStatus | undefined; kind?: NoticeKind | undefined; after?: NoticeCursor | undefined; limit: number }): Promise<Notice[]>;
  /**
   * Published notices, newest publication first; a record whose period ended before `today` is left out.
   * `regions` undefined: every region.
   */
  listPublished(q: { today: string; regions?: readonly string[] | undefined; kind?: NoticeKind | undefined; after?: NoticeCursor | undefined; limit: number }): Promise<Notice[]>;
  audit(entry: AdminAuditEntry): Promise<void>;
}
