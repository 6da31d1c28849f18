import type { ApplicationStatus } from './lifecycle.js';

/** Contract categories (货物 / 服务 / 工程). */
export type ContractCategory = 'goods' | 'services' | 'works';
/** Parts of a contract's data an SME can let a bank read. */
export type ConsentPart = 'contract' | 'acceptances' | 'payments' | 'risk_flags';
export type ProductStatus = 'pending' | 'approved' | 'withdrawn';

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
  createdAt: number;
  updatedAt: number;
}

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

/** Filters of application lists; exactly one owner filter is set by the service. */
export interface ApplicationQuery {
  institutionId?: string;
  supplierUscc?: string;
  /** Purchaser regions (a bureau's subtree). */
  regionCodes?: readonly string[];
  status?: ApplicationStatus;
  /** Cursor: strictly older than this (created_at, id). */
  before?: { createdAt: number; id: string };
  limit: number;
}

/** One audited read of contract data. */
export interface DataAccessEntry {
  id: number;
  at: number;
  institutionId: string;
  applicationId: string;
  contractNo: string;
  supplierUscc: string;
  purchaserRegionCode: string;
  part: ConsentPart;
  consentExpiresAt: number;
  prevHash: string;
  hash: string;
}
