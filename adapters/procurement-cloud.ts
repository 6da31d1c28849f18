import type { JSONWebKeySet } from 'jose';

/** 货物 / 服务 / 工程 — the three procurement catalogue branches (A, B, C). */
export type ContractCategory = 'goods' | 'services' | 'works';

/** How the contract was awarded (政府采购法 第二十六条 and the framework-agreement rule). */
export type ProcurementMethod =
  | 'public_tender'
  | 'invited_tender'
  | 'competitive_negotiation'
  | 'competitive_consultation'
  | 'single_source'
  | 'request_for_quotation'
  | 'framework_agreement';

/** Every procurement method, for validation. */
export const PROCUREMENT_METHODS: readonly ProcurementMethod[] = [
  'public_tender',
  'invited_tender',
  'competitive_negotiation',
  'competitive_consultation',
  'single_source',
  'request_for_quotation',
  'framework_agreement',
];

/** Where a contract stands at the cloud. */
export type ContractStatus = 'active' | 'terminated' | 'completed';

/** One instalment of the payment terms (付款节点); shares are whole percent. */
export interface PaymentMilestone {
  name: string;
  sharePercent: number;
  /** The date the contract fixes for this payment (`YYYY-MM-DD`); absent: due within the payment period after acceptance. */
  dueOn?: string;
  /** 质保金: retention money, due only on its own date, never by the payment period after acceptance. */
  retention?: boolean;
}

/** 付款条件: the advance payment share and the instalments that follow it. */
export interface PaymentTerms {
  /** 预付款 share in whole percent (0–100). */
  advanceSharePercent: number;
  milestones: PaymentMilestone[];
  /** Days after acceptance the contract allows for payment (约定付款期限); absent: the statutory period. */
  paymentDays?: number;
}

/** A government procurement contract as the cloud holds it. */
export interface Contract {
  contractNo: string;
  projectNo: string;
  purchaser: { name: string; regionCode: string };
  supplier: { uscc: string; name: string; sme: boolean };
  category: ContractCategory;
  /** Contract amount in fen. */
  amountFen: number;
  procurementMethod: ProcurementMethod;
  /** Signing date, `YYYY-MM-DD`. */
  signedOn: string;
  paymentTerms: PaymentTerms;
  status: ContractStatus;
}

/** 履约验收: the purchaser's acceptance of the delivery. */
export interface Acceptance {
  acceptanceId: string;
  contractNo: string;
  /** ISO 8601 UTC. */
  acceptedAt: string;
  result: 'passed' | 'failed';
}

/** 资金支付: one treasury payment to the supplier. */
export interface Payment {
  paymentId: string;
  contractNo: string;
  amountFen: number;
  /** ISO 8601 UTC. */
  paidAt: string;
}

/** 政府采购严重违法失信行为记录, 失信被执行人. */
export type RiskFlagKind = 'procurement_serious_violation' | 'dishonest_judgment_debtor';

/** A risk flag on a supplier. */
export interface RiskFlag {
  flagId: string;
  uscc: string;
  kind: RiskFlagKind;
  /** ISO 8601 UTC. */
  recordedAt: string;
  description: string;
}

/** What one change of the feed says happened. */
export type ChangeBody =
  | { type: 'contract.created'; contract: Contract }
  | { type: 'contract.amended'; contract: Contract }
  | { type: 'contract.terminated'; contractNo: string; reason: string }
  | { type: 'contract.completed'; contractNo: string }
  | { type: 'acceptance.recorded'; acceptance: Acceptance }
  | { type: 'payment.made'; payment: Payment }
  | { type: 'supplier_risk_flag.added'; flag: RiskFlag }
  | { type: 'supplier_risk_flag.lifted'; flagId: string; uscc: string; liftedAt: string };

/** Every change type. */
export type ChangeType = ChangeBody['type'];

/** One change, with the stable id the cloud gave it. */
export type Change = ChangeBody & {
  changeId: string;
  /** ISO 8601 UTC: when it happened at the cloud. */
  occurredAt: string;
};

/**
 * A feed entry: a change, or a record the adapter could not read (kept raw for quarantine, with the purchaser
 * region when readable). A change read from the cloud's own form carries that record as received (`raw`), so
 * that a change the gateway later cannot apply is quarantined as the cloud sent it, not in the domain's form.
 */
export type ChangeEntry =
  | { ok: true; change: Change; raw?: unknown }
  | { ok: false; changeId: string | undefined; reason: string; raw: unknown; regionCode?: string };

/** One page of the change feed. */
export interface ChangePage {
  entries: ChangeEntry[];
  /** Pass to the next `listChanges`; never before the cursor that was passed. */
  nextCursor: string;
  /** True when the cloud has more changes right now. */
  hasMore: boolean;
  /** How many changes remain after this page, when the cloud knows. */
  remaining?: number;
}

/** The account the treasury must pay a contract into. */
export interface CollectionAccount {
  bankName: string;
  accountName: string;
  accountNo: string;
}

/** The cloud's answer to a collection-account change. */
export interface CollectionAccountChange {
  ref: string;
  contractNo: string;
  financingRef: string;
  status: 'pending' | 'confirmed' | 'refused';
  /** Set when refused, a stable code such as `contract_terminated`. */
  reason?: string;
}

/** The cloud's answer to a release of a collection account. */
export interface CollectionAccountRelease {
  changeRef: string;
  contractNo: string;
  /** `pending` while the purchaser has yet to confirm; asked again later. */
  status: 'pending' | 'released';
}

/** The keys the cloud signs supplier identity tokens and notifications with. */
export interface CloudKeys {
  issuer: string;
  jwks: JSONWebKeySet;
}

/** What the adapter can tell about its connection to the cloud. */
export interface CloudHealth {
  ok: boolean;
  circuit: 'closed' | 'open' | 'half_open';
  detail?: string;
}

/** The provincial government procurement cloud (政府采购云平台), in the domain's own terms. */
export interface ProcurementCloud {
  /** The changes after `cursor` (undefined: from the beginning). */
  listChanges(cursor: string | undefined, limit: number): Promise<ChangePage>;
  /** One contract as it stands now; undefined when the cloud does not know it. */
  getContract(contractNo: string): Promise<Contract | undefined>;
  /** Asks the cloud to pay the contract into `account` from now on (not retried: not idempotent). */
  requestCollectionAccountChange(
    contractNo: string,
    account: CollectionAccount,
    financingRef: string,
  ): Promise<CollectionAccountChange>;
  /**
   * Releases the collection account the confirmed change `changeRef` set, once its financing ended (settled,
   * cancelled, withdrawn, superseded): the contract is paid to the supplier's own account again. Idempotent:
   * asking again for a released account answers `released`.
   */
  releaseCollectionAccount(contractNo: string, changeRef: string, financingRef: string): Promise<CollectionAccountRelease>;
  /** Where a requested change stands; undefined when the ref is unknown. */
  getCollectionAccountChange(ref: string): Promise<CollectionAccountChange | undefined>;
  /**
   * Issuer and JWKS of the cloud's signing keys (supplier identity tokens, pushed notifications). With `kid`,
   * the key a token names: when the keys held lack it the cloud may have rotated, and an adapter that caches
   * them fetches them again at once (at most once per cooldown) before answering.
   */
  keys(kid?: string): Promise<CloudKeys>;
  /** Verifies a pushed notification (a JWS signed by the cloud) and reads its changes. */
  readNotification(jws: string): Promise<ChangeEntry[]>;
  /** The connection's state, for readiness and metrics. */
  health(): CloudHealth;
}

/** Base of the adapters' errors; the original failure is the `cause`. */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The cloud could not be reached, timed out or answered 5xx. */
export class CloudUnavailableError extends CloudError {}

/** The cloud answered something the interface does not allow (bad body, cursor going backwards). */
export class CloudProtocolError extends CloudError {}

/** The cloud does not know the thing asked for. */
export class CloudNotFoundError extends CloudError {}

/** A notification whose signature, issuer or shape is not acceptable. */
export class CloudSignatureError extends CloudError {}

/** The circuit breaker is open: the call was not attempted. */
export class CloudCircuitOpenError extends CloudUnavailableError {}
