import type { components } from '../../generated/openapi.js';
import type { ApplicationStatus } from './lifecycle.js';
import type { FinancingContract } from './ports.js';

type Schemas = components['schemas'];

/** Contract categories (货物 / 服务 / 工程). */
export type ContractCategory = Schemas['ContractCategory'];
/** Parts of a contract's data an SME can let a bank read. */
export type ConsentPart = Schemas['ConsentPart'];
/** Where a product stands in its review. */
export type ProductStatus = Schemas['ProductStatus'];

/** A financing product of an institution. */
export interface Product {
  id: string;
  institutionId: string;
  name: string;
  maxAmountFen: number;
  maxShareBp: number;
  rateMinBp: number;
  rateMaxBp: number;
  termMinDays: number;
  termMaxDays: number;
  categories: ContractCategory[];
  regions: string[];
  /** One-off fee beyond interest, in basis points of the loan; 0 for none. */
  feeBp: number;
  /** Working days the bank promises to decide in, and to pay in after the lock; null for no promise. */
  decideDays: number | null;
  disburseDays: number | null;
  /** What the bank asks of the supplier; null for nothing beyond the contract. */
  requirements: string | null;
  status: ProductStatus;
  reviewReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The bank-designated account the treasury must pay into (回款账户). */
export interface CollectionAccount {
  bankName: string;
  accountName: string;
  accountNumber: string;
}

/** A financing application and the consent that travels with it. */
export interface Application {
  id: string;
  contractNo: string;
  supplierUscc: string;
  supplierName: string;
  supplierIsSme: boolean;
  institutionId: string;
  productId: string;
  purchaserRegionCode: string;
  requestedAmountFen: number;
  status: ApplicationStatus;
  approvedAmountFen: number | null;
  annualRateBp: number | null;
  termDays: number | null;
  account: CollectionAccount | null;
  lockRef: string | null;
  loanNo: string | null;
  disbursedFen: number;
  repaidFen: number;
  consentParts: ConsentPart[];
  consentExpiresAt: number;
  consentRevokedAt: number | null;
  reasonCode: string | null;
  decidedAt: number | null;
  disbursedAt: number | null;
  settledAt: number | null;
  /** The financing intent whose accepted quote made it, if any. */
  intentId: string | null;
  /** The credit line its approval drew on, if any. */
  creditLineId: string | null;
  /** Where the release of its collection account at the cloud stands, once one is owed. */
  accountRelease: AccountRelease | null;
  accountReleasedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Where the release of a locked collection account stands: asked of the cloud until it confirms. */
export type AccountRelease = 'account_release_pending' | 'account_released';

/** The fields of an application a transition or an update may change besides its status. */
export type ApplicationChanges = Partial<
  Pick<
    Application,
    | 'approvedAmountFen'
    | 'annualRateBp'
    | 'termDays'
    | 'account'
    | 'lockRef'
    | 'loanNo'
    | 'disbursedFen'
    | 'repaidFen'
    | 'consentRevokedAt'
    | 'reasonCode'
    | 'decidedAt'
    | 'disbursedAt'
    | 'settledAt'
    | 'accountRelease'
    | 'creditLineId'
    | 'accountReleasedAt'
  >
>;

/** What a bank's read of a consented part needs to know about the application: whose, which contract, the consent. */
export type ApplicationAccess = Pick<
  Application,
  'id' | 'contractNo' | 'supplierUscc' | 'institutionId' | 'purchaserRegionCode' | 'status' | 'consentParts' | 'consentExpiresAt' | 'consentRevokedAt'
>;

/** One stored move of an application. */
export interface Transition {
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  actor: string;
  reasonCode: string | null;
  reasonText: string | null;
  at: number;
}

/** A pre-approved credit line (提前授信) of an institution for one supplier. */
export interface CreditLine {
  id: string;
  institutionId: string;
  supplierUscc: string;
  amountFen: number;
  usedFen: number;
  annualRateBp: number;
  validUntil: number;
  status: 'active' | 'revoked';
  revokedAt: number | null;
  createdAt: number;
}

/** Filters of credit-line lists, newest first. */
export interface CreditLineQuery {
  institutionId?: string;
  supplierUscc?: string;
  /** Only lines active and unexpired at this time. */
  liveAt?: number;
  before?: { createdAt: number; id: string };
  limit: number;
}

/** A deadline of the policy that passed on an application. */
export interface DeadlineBreach {
  applicationId: string;
  deadline: 'decide' | 'disburse';
  institutionId: string;
  regionCode: string;
  workingDays: number;
  dueAt: number;
  recordedAt: number;
}

/** A recorded breach with what a bureau reads beside it. */
export interface DeadlineBreachRow extends DeadlineBreach {
  contractNo: string;
}

/** Filters of the deadline-breach list, newest first. */
export interface DeadlineBreachQuery {
  regionCodes: readonly string[];
  deadline?: 'decide' | 'disburse' | undefined;
  /** Cursor: strictly older than this (recorded_at, application id, deadline). */
  before?: { at: number; id: string; deadline: string } | undefined;
  limit: number;
}

/** Filters of application lists; exactly one owner filter is set by the service. */
export interface ApplicationQuery {
  institutionId?: string;
  supplierUscc?: string;
  /** Purchaser regions (a bureau's subtree). */
  regionCodes?: readonly string[];
  status?: ApplicationStatus;
  /** Submitted at or after (epoch ms). */
  createdFrom?: number;
  /** Submitted before (epoch ms, exclusive). */
  createdBefore?: number;
  /** Requested amount at least (fen). */
  amountMin?: number;
  /** Requested amount at most (fen). */
  amountMax?: number;
  /** Cursor: strictly older than this (created_at, id). */
  before?: { createdAt: number; id: string };
  limit: number;
}

/** Filters of product lists: by owner or by served region, oldest id first after the cursor. */
export interface ProductQuery {
  institutionId?: string;
  regionCodes?: readonly string[];
  status?: ProductStatus;
  afterId?: string;
  limit: number;
}

/** A disbursement a bank reports. */
export interface Disbursement {
  applicationId: string;
  loanNo: string;
  amountFen: number;
  /** The calendar date of the transfer (`YYYY-MM-DD`). */
  on: string;
  at: number;
}

/** A repayment a bank reports. */
export interface Repayment {
  applicationId: string;
  amountFen: number;
  on: string;
  reference?: string | undefined;
  at: number;
}

/** Persistence of products, applications, their transitions, reservations and money movements. */
export interface FinancingStore {
  insertProduct(p: Product): Promise<void>;
  /** Replaces a product's terms, status and regions. */
  saveProduct(p: Product): Promise<void>;
  getProduct(id: string): Promise<Product | undefined>;
  listProducts(q: ProductQuery): Promise<Product[]>;

  /** Inserts a new application with its first transition. */
  insertApplication(a: Application, first: Transition): Promise<void>;
  getApplication(id: string): Promise<Application | undefined>;
  /** The few fields a consented read checks (the hot path of every bank read). */
  getApplicationAccess(id: string): Promise<ApplicationAccess | undefined>;
  /**
   * The same fields with the contract the application covers (undefined when the sync no longer has it), in
   * one read: a bank's read of the contract itself, the commonest of all, costs one statement, not two.
   */
  getApplicationAccessWithContract(id: string): Promise<{ access: ApplicationAccess; contract: FinancingContract | undefined } | undefined>;
  /** Applications newest first. */
  listApplications(q: ApplicationQuery): Promise<Application[]>;
  /** True when the supplier already has an application for this contract and product not yet decided. */
  hasOpenApplication(supplierUscc: string, contractNo: string, productId: string): Promise<boolean>;
  /** Which of these contracts a live financing holds. */
  reservedContracts(contractNos: readonly string[]): Promise<Set<string>>;
  /**
   * In one read, what an application for this contract and product must not meet: a live financing holding the
   * contract (`reservedContracts`) and an open application of the supplier's for the same product (`hasOpenApplication`).
   */
  contractHolds(contractNo: string, supplierUscc: string, productId: string): Promise<{ reserved: boolean; openApplication: boolean }>;
  /**
   * Moves an application from one of `from` to `to` with `changes`, and stores the transition, atomically:
   * the application as it now stands, or undefined when its state changed meanwhile.
   */
  transition(id: string, from: readonly ApplicationStatus[], to: ApplicationStatus, changes: ApplicationChanges, t: Transition): Promise<Application | undefined>;
  /** Changes fields without a state change; the application as it now stands. */
  update(id: string, changes: ApplicationChanges, at: number): Promise<Application | undefined>;
  /** The stored transitions of an application, oldest first. */
  transitions(applicationId: string): Promise<Transition[]>;
  /** Reserves the contract for the application; false when another application holds it. */
  reserve(contractNo: string, applicationId: string, at: number): Promise<boolean>;
  /** Releases whatever reservation the application holds. */
  release(applicationId: string): Promise<void>;
  insertDisbursement(d: Disbursement): Promise<void>;
  insertRepayment(r: Repayment): Promise<void>;
  /** The disbursements and repayments reported on an application, each oldest first. */
  moneyMovements(applicationId: string): Promise<{ disbursements: Disbursement[]; repayments: Repayment[] }>;
  /** Applications waiting for the cloud to confirm their collection-account lock, longest waiting first. */
  pendingLocks(limit: number): Promise<Application[]>;
  insertCreditLine(l: CreditLine): Promise<void>;
  getCreditLine(id: string): Promise<CreditLine | undefined>;
  listCreditLines(q: CreditLineQuery): Promise<CreditLine[]>;
  /** Revokes an active line; the line as it now stands, or undefined when it was not active. */
  revokeCreditLine(id: string, at: number): Promise<CreditLine | undefined>;
  /**
   * Draws `amountFen` on a line that is active, unexpired at `at` and has that much left, in one conditional
   * statement (so concurrent draws never exceed it); false when it does not fit.
   */
  drawCredit(id: string, amountFen: number, at: number): Promise<boolean>;
  /** Gives a drawn amount back to the line (the financing ended). */
  restoreCredit(id: string, amountFen: number): Promise<void>;
  /** Applications in these states (the deadline sweep's candidates), oldest first. */
  listByStatus(statuses: readonly ApplicationStatus[], limit: number): Promise<Application[]>;
  /** Records a breach once; false when it was recorded before. */
  recordBreach(b: DeadlineBreach): Promise<boolean>;
  /** Recorded breaches on applications purchased in these regions, newest first. */
  listBreaches(q: DeadlineBreachQuery): Promise<DeadlineBreachRow[]>;
  /** The undecided applications (submitted, under review) on a contract other than `exceptId`. */
  openOnContract(contractNo: string, exceptId: string): Promise<Application[]>;
  /** Applications whose collection account the cloud has not confirmed released yet, longest waiting first. */
  pendingReleases(limit: number): Promise<Application[]>;
}
