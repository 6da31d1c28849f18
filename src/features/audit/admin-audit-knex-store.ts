import type { Knex } from 'knex';
import type { AdminAuditEntry } from './admin-audit.js';

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
export class KnexAdminAuditStore {
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
}
