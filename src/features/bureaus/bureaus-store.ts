import type { JWK } from 'jose';
import type { AdminAuditEntry } from '../audit/admin-audit.js';
import type { RegisteredKey } from '../auth/jwks.js';

/** A finance bureau: an OAuth client bound to one region. Its id is its client id. */
export interface Bureau {
  clientId: string;
  regionCode: string;
  name: string;
  jwks: JWK[] | null;
  jwksUri: string | null;
  createdAt: number;
}

/** Persistence of bureaus. */
export interface BureauStore {
  /** Runs `fn` with a store bound to one transaction. */
  transaction<T>(fn: (store: BureauStore) => Promise<T>): Promise<T>;
  create(b: Omit<Bureau, 'jwks'> & { keys: RegisteredKey[]; createdBy: string | null }): Promise<void>;
  get(clientId: string): Promise<Bureau | undefined>;
  byRegion(regionCode: string): Promise<Bureau | undefined>;
  /** Bureaus of these regions, by client id. */
  list(q: { regions: string[]; afterClientId?: string; limit: number }): Promise<Bureau[]>;
  audit(entry: AdminAuditEntry): Promise<void>;
}
