import type { StaffRole } from '../staff/staff-store.js';

/** Who a session is for: an SME's person at the procurement cloud, or a member of a bureau's staff. */
export type SessionPerson =
  | { kind: 'supplier'; issuer: string; subject: string; uscc: string; name: string; organisationName: string }
  | { kind: 'staff'; issuer: string; subject: string; staffId: string; name: string; organisationName: string };

/** A stored session: the person, and for staff their bureau and role as the registry has them now. */
export type StoredSession = SessionPerson & {
  /** Epoch milliseconds. */
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end. */
  expiresAt: number;
  /** Staff only: the bureau and role, read with the session so that a change in the registry applies at once. */
  staff?: { role: StaffRole; bureauId: string; regionCode: string };
};

/** A sign-in in progress: which kind of person, and where to go afterwards. */
export interface SignInFlow {
  kind: 'supplier' | 'staff';
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

/** Persistence of sessions and sign-in flows, each found by the SHA-256 of its secret (never the secret). */
export interface SessionStore {
  createSession(idHash: string, s: SessionPerson & { createdAt: number; lastSeenAt: number; expiresAt: number }): Promise<void>;
  findSession(idHash: string): Promise<StoredSession | undefined>;
  touchSession(idHash: string, lastSeenAt: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  createFlow(idHash: string, flow: SignInFlow): Promise<void>;
  /** Deletes the flow and returns it; undefined when there was none (or another request took it first). */
  takeFlow(idHash: string): Promise<SignInFlow | undefined>;
  /** Deletes sessions over either limit and flows past their end. */
  purge(now: number, idleMs: number): Promise<void>;
}
