import type { Knex } from 'knex';
import type { StaffRole } from '../staff/staff-store.js';
import type { SessionPerson, SessionStore, SignInFlow, StoredSession } from './sessions-store.js';

interface SessionRow {
  kind: string;
  issuer: string;
  subject: string;
  staff_id: string | null;
  supplier_uscc: string | null;
  person_name: string;
  organisation_name: string;
  created_at: string | number;
  last_seen_at: string | number;
  expires_at: string | number;
  role: string | null;
  bureau_id: string | null;
  region_code: string | null;
  bureau_name: string | null;
}

/** Sessions and sign-in flows in SQLite or PostgreSQL (bigint columns come back as strings from PostgreSQL). */
export class KnexSessionStore implements SessionStore {
  constructor(private readonly db: Knex) {}

  async createSession(idHash: string, s: SessionPerson & { createdAt: number; lastSeenAt: number; expiresAt: number }): Promise<void> {
    await this.db('sessions').insert({
      id_hash: idHash,
      kind: s.kind,
      issuer: s.issuer,
      subject: s.subject,
      staff_id: s.kind === 'staff' ? s.staffId : null,
      supplier_uscc: s.kind === 'supplier' ? s.uscc : null,
      person_name: s.name,
      organisation_name: s.organisationName,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
    });
  }

  async findSession(idHash: string): Promise<StoredSession | undefined> {
    const row = (await this.db('sessions as s')
      .leftJoin('staff as st', 'st.id', 's.staff_id')
      .leftJoin('bureaus as b', 'b.client_id', 'st.bureau_id')
      .where('s.id_hash', idHash)
      .first(
        's.kind', 's.issuer', 's.subject', 's.staff_id', 's.supplier_uscc', 's.person_name', 's.organisation_name',
        's.created_at', 's.last_seen_at', 's.expires_at', 'st.role', 'st.bureau_id', 'b.region_code', 'b.name as bureau_name',
      )) as SessionRow | undefined;
    if (!row) return undefined;
    const times = { createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at), expiresAt: Number(row.expires_at) };
    if (row.kind === 'supplier' && row.supplier_uscc !== null) {
      return { kind: 'supplier', issuer: row.issuer, subject: row.subject, uscc: row.supplier_uscc, name: row.person_name, organisationName: row.organisation_name, ...times };
    }
    if (row.kind === 'staff' && row.staff_id !== null && row.role !== null && row.bureau_id !== null && row.region_code !== null) {
      return {
        kind: 'staff',
        issuer: row.issuer,
        subject: row.subject,
        staffId: row.staff_id,
        name: row.person_name,
        organisationName: row.bureau_name ?? row.organisation_name,
        ...times,
        staff: { role: row.role as StaffRole, bureauId: row.bureau_id, regionCode: row.region_code },
      };
    }
    return undefined;
  }

  async touchSession(idHash: string, lastSeenAt: number): Promise<void> {
    await this.db('sessions').where('id_hash', idHash).update({ last_seen_at: lastSeenAt });
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db('sessions').where('id_hash', idHash).delete();
  }

  async createFlow(idHash: string, flow: SignInFlow): Promise<void> {
    await this.db('signin_flows').insert({
      id_hash: idHash,
      kind: flow.kind,
      return_to: flow.returnTo,
      created_at: flow.createdAt,
      expires_at: flow.expiresAt,
    });
  }

  async takeFlow(idHash: string): Promise<SignInFlow | undefined> {
    const row = (await this.db('signin_flows').where('id_hash', idHash).first()) as
      | { kind: string; return_to: string; created_at: string | number; expires_at: string | number }
      | undefined;
    if (!row) return undefined;
    // The delete decides who used the flow: of two requests racing with one cookie, one deletes a row.
    const deleted = await this.db('signin_flows').where('id_hash', idHash).delete();
    if (deleted !== 1) return undefined;
    return { kind: row.kind as SignInFlow['kind'], returnTo: row.return_to, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) };
  }

  async purge(now: number, idleMs: number): Promise<void> {
    await this.db('sessions').where('expires_at', '<=', now).orWhere('last_seen_at', '<=', now - idleMs).delete();
    await this.db('signin_flows').where('expires_at', '<=', now).delete();
  }
}
