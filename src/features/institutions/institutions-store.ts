import type { JWK } from 'jose';
import type { AdminAuditEntry } from '../audit/admin-audit.js';
import type { ClientStatus } from '../auth/clients-store.js';
import type { RegisteredKey } from '../auth/jwks.js';

/** Kinds of financial institution. */
export type InstitutionType = 'bank' | 'guarantee' | 'other';

/** A financial institution as the domain sees it; its id is its OAuth client id. */
export interface Institution {
  clientId: string;
  name: string;
  uscc: string;
  licenseNo: string;
  type: InstitutionType;
  status: ClientStatus;
  statusReason: string | null;
  regions: string[];
  dpopRequired: boolean;
  /** The inline keys; empty when the keys are at `jwksUri`. */
  jwks: JWK[] | null;
  jwksUri: string | null;
  webhookUrl: string | null;
  contact: { name?: string; phone?: string; email?: string };
  createdAt: number;
  updatedAt: number;
}

/** Name and status of an institution. */
export interface InstitutionSummary {
  clientId: string;
  name: string;
  status: ClientStatus;
}

/** A new institution. */
export interface NewInstitution extends Omit<Institution, 'jwks' | 'statusReason' | 'updatedAt'> {
  keys: RegisteredKey[];
  webhookSecret: string;
  createdBy: string | null;
}

/** Filter and cursor for listing institutions. */
export interface InstitutionQuery {
  /** Only institutions covering at least one of these regions. */
  regions: string[];
  status?: ClientStatus;
  afterClientId?: string;
  limit: number;
}

/** Persistence of institutions. */
export interface InstitutionStore {
  /** Runs `fn` with a store bound to one transaction. */
  transaction<T>(fn: (store: InstitutionStore) => Promise<T>): Promise<T>;
  create(i: NewInstitution): Promise<void>;
  get(clientId: string): Promise<Institution | undefined>;
  /** Name and status of those of `clientIds` that exist (one read, without regions or keys). */
  summaries(clientIds: readonly string[]): Promise<InstitutionSummary[]>;
  /** Those of `clientIds` that exist, in three queries whatever their number. */
  getMany(clientIds: readonly string[]): Promise<Institution[]>;
  findByUscc(uscc: string): Promise<string | undefined>;
  list(q: InstitutionQuery): Promise<Institution[]>;
  /** Sets the status (only while it is still `from`, when given); false when nothing changed. */
  setStatus(clientId: string, status: ClientStatus, reason: string, at: number, from?: ClientStatus): Promise<boolean>;
  setKeys(clientId: string, keys: RegisteredKey[], jwksUri: string | null, at: number): Promise<void>;
  /** Replaces the coverage regions and the webhook URL. */
  update(clientId: string, change: { regions: string[]; webhookUrl: string | null }, at: number): Promise<void>;
  audit(entry: AdminAuditEntry): Promise<void>;
}
