import type { Knex } from 'knex';
import { withTransactionRetry } from '../../db/transaction-retry.js';
import { KnexAdminAuditStore } from '../audit/admin-audit-knex-store.js';
import type { AdminAuditEntry } from '../audit/admin-audit.js';
import type { StaffMember, StaffRole, StaffStore } from './staff-store.js';

interface Row {
  id: string;
  issuer: string;
  subject: string;
  name: string;
  role: string;
  bureau_id: string;
  region_code: string;
  bureau_name: string;
  created_by: string | null;
  created_at: string | number;
}

const member = (r: Row): StaffMember => ({
  id: r.id,
  issuer: r.issuer,
  subject: r.subject,
  name: r.name,
  role: r.role as StaffRole,
  bureau: { clientId: r.bureau_id, regionCode: r.region_code, name: r.bureau_name },
  createdBy: r.created_by,
  // PostgreSQL returns bigint columns as strings.
  createdAt: Number(r.created_at),
});

/** The staff registry in SQLite or PostgreSQL: `staff` joined with its bureau. */
export class KnexStaffStore implements StaffStore {
  constructor(private readonly db: Knex) {}

  transaction<T>(fn: (store: StaffStore) => Promise<T>): Promise<T> {
    return withTransactionRetry(this.db, (trx) => fn(new KnexStaffStore(trx)));
  }

  async create(m: Parameters<StaffStore['create']>[0]): Promise<void> {
    await this.db('staff').insert({
      id: m.id,
      issuer: m.issuer,
      subject: m.subject,
      name: m.name,
      role: m.role,
      bureau_id: m.bureauId,
      created_by: m.createdBy,
      created_at: m.createdAt,
    });
  }

  async get(id: string): Promise<StaffMember | undefined> {
    const row = (await this.base().where('s.id', id).first()) as Row | undefined;
    return row && member(row);
  }

  async byIdentity(issuer: string, subject: string): Promise<StaffMember | undefined> {
    const row = (await this.base().where({ 's.issuer': issuer, 's.subject': subject }).first()) as Row | undefined;
    return row && member(row);
  }

  async list(q: { regions?: string[]; issuer?: string; afterId?: string; limit: number }): Promise<StaffMember[]> {
    const query = this.base().orderBy('s.id').limit(q.limit);
    if (q.regions !== undefined) query.whereIn('b.region_code', q.regions);
    if (q.issuer !== undefined) query.where('s.issuer', q.issuer);
    if (q.afterId !== undefined) query.where('s.id', '>', q.afterId);
    return ((await query) as Row[]).map(member);
  }

  async setRole(id: string, role: StaffRole): Promise<void> {
    await this.db('staff').where('id', id).update({ role });
  }

  async remove(id: string): Promise<void> {
    await this.db('sessions').where('staff_id', id).delete();
    await this.db('staff').where('id', id).delete();
  }

  async bureauOfRegion(regionCode: string) {
    const row = (await this.db('bureaus').where('region_code', regionCode).first('client_id', 'region_code', 'name')) as
      | { client_id: string; region_code: string; name: string }
      | undefined;
    return row && { clientId: row.client_id, regionCode: row.region_code, name: row.name };
  }

  async audit(entry: AdminAuditEntry): Promise<void> {
    await new KnexAdminAuditStore(this.db).record(entry);
  }

  private base() {
    return this.db('staff as s')
      .join('bureaus as b', 'b.client_id', 's.bureau_id')
      .select('s.id', 's.issuer', 's.subject', 's.name', 's.role', 's.bureau_id', 'b.region_code', 'b.name as bureau_name', 's.created_by', 's.created_at');
  }
}
