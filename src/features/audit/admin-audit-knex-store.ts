import type { Knex } from 'knex';
import type { AdminAuditEntry, AdminAuditQuery, AdminAuditReader, ListedAdminAuditEntry } from './admin-audit.js';

interface Row {
  at: number | string;
  actor: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** The administrative audit trail in `admin_audit`; bound to the transaction of the change it records. */
export class KnexAdminAuditStore implements AdminAuditReader {
  constructor(private readonly db: Knex) {}

  /** Appends an entry. */
  async record(e: AdminAuditEntry): Promise<void> {
    await this.db('admin_audit').insert({ at: e.at, actor: e.actor, action: e.action, target: e.target, before: json(e.before), after: json(e.after) });
  }

  /** The entries about `target`, oldest first. */
  async actionsOn(target: string): Promise<AdminAuditEntry[]> {
    const rows = (await this.db('admin_audit').where('target', target).orderBy('id')) as Row[];
    return rows.map((r) => ({
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    }));
  }

  /**
   * Newest first, those acted by a bureau of `regions`: the actor is the bureau's client id, or the id of a member of
   * its staff (resolved through `staff`; the entries of a member since removed are no longer attributed).
   */
  async list(q: AdminAuditQuery): Promise<ListedAdminAuditEntry[]> {
    const query = this.db('admin_audit as a')
      .leftJoin('staff as s', 's.id', 'a.actor')
      .leftJoin('bureaus as b', (j) => {
        j.on('b.client_id', '=', 's.bureau_id').orOn('b.client_id', '=', 'a.actor');
      })
      .select('a.id', 'a.at', 'a.actor', 'a.action', 'a.target', 'a.before', 'a.after', 'b.name as actor_name')
      .where((w) => {
        w.whereIn('b.region_code', q.regions);
        if (q.includeOperator) w.orWhereNull('a.actor');
      })
      .orderBy('a.id', 'desc')
      .limit(q.limit);
    if (q.action !== undefined) query.where('a.action', q.action);
    if (q.target !== undefined) query.where('a.target', q.target);
    if (q.beforeId !== undefined) query.where('a.id', '<', q.beforeId);
    const rows = (await query) as (Row & { id: number | string; actor_name: string | null })[];
    return rows.map((r) => ({ ...entry(r), id: Number(r.id), actorName: r.actor_name }));
  }
}

const parse = (v: string | null): unknown => (v === null ? null : (JSON.parse(v) as unknown));

const entry = (r: Row): AdminAuditEntry => ({ at: Number(r.at), actor: r.actor, action: r.action, target: r.target, before: parse(r.before), after: parse(r.after) });
