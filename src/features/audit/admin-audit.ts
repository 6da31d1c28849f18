import type { Knex } from 'knex';

/** One administrative action: who (the acting bureau's client id, null for the CLI operator), what, before and after. */
export interface AdminAuditEntry {
  at: string;
  actor: string | null;
  /** The operationId (or CLI command) that acted. */
  action: string;
  /** The client id of the bureau or institution acted on. */
  target: string;
  before: unknown;
  after: unknown;
}

/** Appends an entry; call inside the transaction of the change it records. */
export async function recordAdminAction(db: Knex, e: AdminAuditEntry): Promise<void> {
  await db('admin_audit').insert({
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
    after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
  });
}

/** The entries about `target`, oldest first. */
export async function adminActionsOn(db: Knex, target: string): Promise<AdminAuditEntry[]> {
  const rows: { at: string; actor: string | null; action: string; target: string; before: string | null; after: string | null }[] =
    await db('admin_audit').where('target', target).orderBy('id');
  return rows.map((r) => ({
    ...r,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
}
