import type { CollectionAccount, ConsentPart, ContractCategory } from './financing-store.js';

// What financing needs from the rest of the gateway, as financing sees it. Other features implement these
// (the sync's contract tables, onboarding, the outbox, the audit log, the cloud adapter); app.ts wires them.

/** A synced procurement contract as financing needs it. */
export interface FinancingContract {
  contractNo: string;
  projectNo: string;
  purchaserName: string;
  purchaserRegionCode: string;
  supplierUscc: string;
  supplierName: string;
  supplierIsSme: boolean;
  category: ContractCategory;
  amountFen: number;
  paidFen: number;
  status: 'active' | 'completed' | 'terminated';
  signedOn: string;
  procurementMethod: string;
  paymentTerms: Record<string, unknown>;
  /** A live 严重违法失信 or 失信被执行人 flag on the supplier. */
  blockingRiskFlag: boolean;
}

/** A recorded acceptance (履约验收) of a contract. */
export interface Acceptance {
  id: string;
  acceptedOn: string;
  result: string;
}

/** A treasury payment on a contract. */
export interface Payment {
  id: string;
  paidOn: string;
  amountFen: number;
}

/** A treasury payment as the gateway received it from the cloud: when it arrived, how much. */
export interface ReceivedPayment {
  receivedAt: number;
  amountFen: number;
}

/** A risk flag on a contract's supplier. */
export interface RiskFlag {
  id: string;
  kind: string;
  addedOn: string;
  liftedOn: string | null;
  note?: string;
}

/** Reads the contracts the procurement cloud sync keeps. */
export interface ContractSource {
  get(contractNo: string): Promise<FinancingContract | undefined>;
  /** A supplier's contracts ordered by contract number, after the cursor. */
  listBySupplier(uscc: string, afterContractNo: string | undefined, limit: number): Promise<FinancingContract[]>;
  acceptances(contractNo: string): Promise<Acceptance[]>;
  payments(contractNo: string): Promise<Payment[]>;
  /** The treasury payments the gateway received on the contract between `from` and `to` (epoch ms, both included), by when it received them. */
  paymentsReceived(contractNo: string, from: number, to: number): Promise<ReceivedPayment[]>;
  /** The flags on the contract's supplier, lifted ones included. */
  riskFlags(contractNo: string): Promise<RiskFlag[]>;
}

/** Name and status of an institution: what every financing view shows and every offer checks. */
export interface InstitutionSummary {
  id: string;
  name: string;
  status: 'pending' | 'active' | 'suspended' | 'revoked';
}

/** An institution with the regions it covers. */
export interface InstitutionView extends InstitutionSummary {
  coverage: string[];
}

/** Looks institutions up (kept by onboarding). */
export interface InstitutionDirectory {
  /** One institution with its coverage. */
  get(id: string): Promise<InstitutionView | undefined>;
  /** Name and status of these institutions; unknown ids are absent. */
  summaries(ids: readonly string[]): Promise<Map<string, InstitutionSummary>>;
}

/** The answer of the cloud to a collection-account change. */
export interface LockStatus {
  ref: string;
  status: 'pending' | 'confirmed' | 'refused';
  reason?: string;
}

/** Relays collection-account locks to the procurement cloud. */
export interface AccountLockRelay {
  request(contractNo: string, account: CollectionAccount, financingRef: string): Promise<LockStatus>;
  status(ref: string): Promise<LockStatus>;
  /**
   * Asks the cloud to release the collection account the lock `lockRef` set (settled, cancelled, withdrawn or
   * superseded): resolves once the cloud confirms, throws when it cannot be reached or has not confirmed.
   * Idempotent at the cloud, so it is asked again until it confirms.
   */
  release(contractNo: string, lockRef: string, financingRef: string): Promise<void>;
}

/** Events the financing lifecycle announces; each goes to the application's institution. */
export type FinancingEventType =
  | 'application.submitted'
  | 'application.withdrawn'
  | 'application.approved'
  | 'application.rejected'
  | 'application.cancelled'
  | 'consent.revoked'
  | 'account_lock.confirmed'
  | 'account_lock.failed'
  | 'financing.disbursed'
  | 'financing.settled'
  | 'application.superseded'
  | 'application.deadline_missed';

/** Records a domain event in the outbox; bound to the transaction of the change it announces. */
export interface EventRecorder {
  record(event: {
    type: FinancingEventType;
    contractNo: string;
    applicationId: string;
    institutionId: string;
    /** The event's data as published (`application_id` and `contract_no` included). */
    data: Record<string, unknown>;
  }): Promise<void>;
}

/** One bank read of a consented part of a contract's data. */
export interface AccessRecord {
  at: number;
  institutionId: string;
  applicationId: string;
  contractNo: string;
  supplierUscc: string;
  purchaserRegionCode: string;
  part: ConsentPart;
  consentExpiresAt: number;
}

/** A read as the log keeps it, with its place in the log. */
export interface AccessEntry extends AccessRecord {
  id: number;
  /** The entry's leaf in the audit tree and its hex leaf hash, null until the sequencer has added it. */
  leafIndex: number | null;
  leafHash: string | null;
}

/** Whose reads to list: an SME's, or those of contracts purchased in a bureau's regions. */
export type AccessOwner = { supplierUscc: string } | { regionCodes: readonly string[] };

/** The append-only log of every bank read of contract data (the audit behind it is the log's own business). */
export interface AccessLog {
  append(record: AccessRecord): Promise<void>;
  /** An owner's entries, newest first, before the cursor id. */
  list(owner: AccessOwner, q: { beforeId?: number | undefined; limit: number }): Promise<AccessEntry[]>;
}

/** An administrative action, kept with who did it and the state before and after. */
export interface AdminAction {
  at: number;
  actor: string | null;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

/** The administrative audit trail; bound to the transaction of the change it records. */
export interface AdminActionLog {
  record(entry: AdminAction): Promise<void>;
}
