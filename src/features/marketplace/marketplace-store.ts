import type { components } from '../../generated/openapi.js';
import type { ContractCategory } from '../financing/financing-store.js';

type Schemas = components['schemas'];

/** A summary field of the contract an SME lets banks see on its intent. */
export type IntentVisibleField = Schemas['IntentVisibleField'];
/** Where an intent stands as stored; an open one past `expiresAt` reads as expired. */
export type StoredIntentStatus = 'open' | 'accepted' | 'withdrawn';
/** Where a quote stands. */
export type QuoteStatus = Schemas['QuoteStatus'];

/** An open financing intent (公开融资意向) of an SME on one of its contracts. */
export interface Intent {
  id: string;
  supplierUscc: string;
  contractNo: string;
  purchaserRegionCode: string;
  category: ContractCategory;
  amountFen: number;
  termDays: number;
  visibleFields: IntentVisibleField[];
  /** The contract's amount at publication: banks see only its band, and only when the SME allows it. */
  contractAmountFen: number;
  contractAccepted: boolean;
  status: StoredIntentStatus;
  expiresAt: number;
  acceptedQuoteId: string | null;
  applicationId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A bank's quote on an intent: one per bank per intent, revised in place. */
export interface Quote {
  id: string;
  intentId: string;
  institutionId: string;
  productId: string;
  amountFen: number;
  annualRateBp: number;
  termDays: number;
  feesFen: number;
  conditions: string | null;
  validUntil: number;
  status: QuoteStatus;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** Cursor of the newest-first intent lists. */
export interface IntentCursor {
  createdAt: number;
  id: string;
}

/** Persistence of intents and quotes. */
export interface MarketplaceStore {
  insertIntent(i: Intent): Promise<void>;
  getIntent(id: string): Promise<Intent | undefined>;
  /** The open, unexpired intent on a contract, if any. */
  openIntentOn(contractNo: string, now: number): Promise<Intent | undefined>;
  /** A supplier's intents, newest first. */
  listSupplierIntents(uscc: string, before: IntentCursor | undefined, limit: number): Promise<Intent[]>;
  /** Open, unexpired intents whose purchaser is in one of these regions, newest first. */
  listOpenIntents(regionCodes: readonly string[], now: number, before: IntentCursor | undefined, limit: number): Promise<Intent[]>;
  /**
   * Closes an intent that is still open and unexpired at `at` (the check and the write are one statement, so of
   * two concurrent closes exactly one wins): the intent as it now stands, or undefined when it was not open.
   */
  closeIntent(id: string, to: 'accepted' | 'withdrawn', link: { acceptedQuoteId?: string; applicationId?: string }, at: number): Promise<Intent | undefined>;
  /** How many live, unexpired quotes each of these intents has. */
  liveQuoteCounts(intentIds: readonly string[], now: number): Promise<Map<string, number>>;
  getQuote(id: string): Promise<Quote | undefined>;
  /** The quotes on these intents, of one institution when given. */
  quotesOf(intentIds: readonly string[], institutionId?: string): Promise<Quote[]>;
  /**
   * Stores a bank's quote on an intent: the first one, or a revision of its own quote (`revision` one more, live
   * again) unless that quote was accepted or declined meanwhile. The quote as it now stands, or undefined.
   */
  saveQuote(q: Quote): Promise<Quote | undefined>;
  /** Moves a quote from one of `from` to `to`; the quote as it now stands, or undefined when its state changed. */
  setQuoteStatus(id: string, from: readonly QuoteStatus[], to: QuoteStatus, at: number): Promise<Quote | undefined>;
  /** Declines every live quote on the intent but `exceptId`; the quotes declined. */
  declineLiveQuotes(intentId: string, exceptId: string | null, at: number): Promise<Quote[]>;
}
