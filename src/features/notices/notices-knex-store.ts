import type { Knex } from 'knex';
import { KnexAdminAuditStore } from '../audit/admin-audit-knex-store.js';
import type { Notice, NoticeCursor, NoticeStore } from './notices-store.js';

interface Row {
  id: string;
  kind: Notice['kind'];
  status: Notice['status'];
  region_code: string;
  bureau_id: string;
  bureau_name: string;
  title: string;
  body: string;
  subject_name: string | null;
  subject_uscc: string | null;
  finding: string | null;
  decision_no: string | null;
  period_start: string | null;
  period_end: string | null;
  created_by: string;
  created_at: number | string;
  updated_at: number | string;
  published_at: number | string | null;
  withdrawn_at: number | string | null;
  withdrawal_reason: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

const fromRow = (r: Row): Notice => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  regionCode: r.region_code,
  bureauId: r.bureau_id,
  bureauName: r.bureau_name,
  title: r.title,
  body: r.body,
  subject: r.subject_uscc !== null && r.subject_name !== null ? { name: r.subject_name, uscc: r.subject_uscc } : null,
  finding: r.finding,
  decisionNo: r.decision_no,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  publishedAt: num(r.published_at),
  withdrawnAt: num(r.withdrawn_at),
  withdrawalReason: r.withdrawal_reason,
});

const mutable = (n: Omit<Notice, 'bureauName'>) => ({
  status: n.status,
  title: n.title,
  body: n.body,
  subject_name: n.subject?.name ?? null,
  subject_uscc: n.subject?.uscc ?? null,
  finding: n.finding,
  decision_no: n.decisionNo,
  period_start: n.periodStart,
  period_end: n.periodEnd,
  updated_at: n.updatedAt,
  published_at: n.publishedAt,
  withdrawn_at: n.withdrawnAt,
  withdrawal_reason: n.withdrawalReason,
});

/** Notices in SQLite or PostgreSQL, with the issuing bureau's name joined in. */
export class KnexNoticeStore implements NoticeStore {
  constructor(private readonly db: Knex) {}

  async insert(n: Omit<Notice, 'bureauName'>): Promise<void> {
    await this.db('notices').insert({
      id: n.id,
      kind: n.kind,
      region_code: n.regionCode,
      bureau_id: n.bureauId,
      created_by: n.createdBy,
      created_at: n.createdAt,
      ...mutable(n),
    });
  }

  async save(n: Notice): Promise<void> {
    await this.db('notices').where('id', n.id).update(mutable(n));
  }

  async get(id: string): Promise<Notice | undefined> {
    const row = (await this.base().where('n.id', id).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(q: Parameters<NoticeStore['list']>[0]): Promise<Notice[]> {
    const query = this.base().whereIn('n.region_code', q.regions);
    if (q.status) query.where('n.status', q.status);
    if (q.kind) query.where('n.kind', q.kind);
    after(query, 'n.updated_at', q.after);
    const rows = (await query.orderBy([{ column: 'n.updated_at', order: 'desc' }, { column: 'n.id', order: 'desc' }]).limit(q.limit)) as Row[];
    return rows.map(fromRow);
  }

  async listPublished(q: Parameters<NoticeStore['listPublished']>[0]): Promise<Notice[]> {
    const query = this.base()
      .where('n.status', 'published')
      .where((w) => w.whereNull('n.period_end').orWhere('n.period_end', '>=', q.today));
    if (q.regions) query.whereIn('n.region_code', q.regions);
    if (q.kind) query.where('n.kind', q.kind);
    after(query, 'n.published_at', q.after);
    const rows = (await query.orderBy([{ column: 'n.published_at', order: 'desc' }, { column: 'n.id', order: 'desc' }]).limit(q.limit)) as Row[];
    return rows.map(fromRow);
  }

  async audit(entry: Parameters<NoticeStore['audit']>[0]): Promise<void> {
    await new KnexAdminAuditStore(this.db).record(entry);
  }

  private base() {
    return this.db('notices as n').join('bureaus as b', 'b.client_id', 'n.bureau_id').select('n.*', 'b.name as bureau_name');
  }
}

/** Keyset condition for a list ordered by (`column` desc, id desc). */
function after(query: Knex.QueryBuilder, column: string, cursor: NoticeCursor | undefined): void {
  if (!cursor) return;
  query.where((w) => w.where(column, '<', cursor.at).orWhere((x) => x.where(column, cursor.at).where('n.id', '<', cursor.id)));
}
