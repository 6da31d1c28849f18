import type { components } from '../../generated/openapi.js';
import type { AdminAuditEntry } from '../audit/admin-audit.js';

/** What a member of a bureau's staff may do: `admin` everything in the bureau's subtree (staff included), `reviewer` products, institutions' status and reports, `viewer` read only. */
export type StaffRole = components['schemas']['StaffRole'];

/** Every role, weakest first. */
const RANK: Record<StaffRole, number> = { viewer: 0, reviewer: 1, admin: 2 };

/** Whether `held` is at least `needed`. */
export const roleAllows = (held: StaffRole, needed: StaffRole): boolean => RANK[held] >= RANK[needed];

/** A person registered to act for a bureau, identified by an identity provider (issuer + subject). */
export interface StaffMember {
  id: string;
  issuer: string;
  subject: string;
  name: string;
  role: StaffRole;
  bureau: { clientId: string; regionCode: string; name: string };
  createdBy: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Persistence of the staff registry. */
export interface StaffStore {
  /** Runs `fn` with a store bound to one transaction. */
  transaction<T>(fn: (store: StaffStore) => Promise<T>): Promise<T>;
  create(member: { id: string; issuer: string; subject: string; name: string; role: StaffRole; bureauId: string; createdBy: string | null; createdAt: number }): Promise<void>;
  get(id: string): Promise<StaffMember | undefined>;
  byIdentity(issuer: string, subject: string): Promise<StaffMember | undefined>;
  /** Staff of the bureaus of these regions (every bureau when undefined), of one provider if given, by id. */
  list(q: { regions?: string[]; issuer?: string; afterId?: string; limit: number }): Promise<StaffMember[]>;
  /** Gives a member another role; their sessions read it from their next request. */
  setRole(id: string, role: StaffRole): Promise<void>;
  /** Removes a member and every session of theirs. */
  remove(id: string): Promise<void>;
  /** The bureau of a region, if there is one. */
  bureauOfRegion(regionCode: string): Promise<{ clientId: string; regionCode: string; name: string } | undefined>;
  audit(entry: AdminAuditEntry): Promise<void>;
}
