import type { CollectionAccount, ContractCategory } from './financing-store.js';

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

/** Reads the contracts the procurement cloud sync keeps. */
export interface ContractSource {
  get(contractNo: string): Promise<FinancingContract | undefined>;
  /** A supplier's contracts ordered by contract number, after the cursor. */
  listBySupplier(uscc: string, afterContractNo: string | undefined, limit: number): Promise<FinancingContract[]>;
  acceptances(contractNo: string): Promise<{ id: string; acceptedOn: string; result: string; note?: string }[]>;
  payments(contractNo: string): Promise<{ id: string; paidOn: string; amountFen: number }[]>;
  riskFlags(contractNo: string): Promise<{ id: string; kind: string; addedOn: string; liftedOn: string | null; note?: string }[]>;
}

/** What financing needs to know of an institution. */
export interface InstitutionView {
  id: string;
  name: string;
  status: 'pending' | 'active' | 'suspended' | 'revoked';
  coverage: string[];
}

/** Looks institutions up (kept by onboarding). */
export interface InstitutionDirectory {
  get(id: string): Promise<InstitutionView | undefined>;
  getMany(ids: readonly string[]): Promise<Map<string, InstitutionView>>;
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
}

/** Records a domain event in the outbox, in the caller's transaction. */
export interface EventRecorder {
  record(
    trx: unknown,
    event: { type: string; contractNo: string; applicationId: string; institutionId: string; payload: Record<string, unknown> },
  ): Promise<void>;
}
