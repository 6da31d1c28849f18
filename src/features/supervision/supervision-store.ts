import type { PaymentTerms } from '../../../adapters/procurement-cloud.js';

/** A contract as payment supervision reads it. */
export interface PaymentRow {
  contractNo: string;
  purchaserName: string;
  purchaserRegionCode: string;
  supplierUscc: string;
  supplierName: string;
  amountFen: number;
  terms: PaymentTerms;
  /** The first passed acceptance (epoch ms), null before one. */
  acceptedAt: number | null;
  paidFen: number;
}

/** A live financing on a contract: the bank to tell about a late payment. */
export interface LiveFinancing {
  applicationId: string;
  institutionId: string;
  loanNo: string | null;
}

/** Reads for payment supervision; it writes nothing (events go through the outbox). */
export interface SupervisionStore {
  /**
   * Contracts of purchasers in these regions with a passed acceptance and less paid than their amount, by contract
   * number after `afterContractNo`; `financed` says whether a live financing holds the contract.
   */
  acceptedUnpaid(q: { regions: readonly string[]; afterContractNo?: string | undefined; limit: number }): Promise<(PaymentRow & { financed: boolean })[]>;
  /** Contracts held by a live financing and not fully paid, with those financings; by contract number. */
  financedUnpaid(q: { afterContractNo?: string | undefined; limit: number }): Promise<(PaymentRow & { financings: LiveFinancing[] })[]>;
}
