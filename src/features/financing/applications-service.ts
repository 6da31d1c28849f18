import { randomUUID } from 'node:crypto';
import { epochMs, isoTime, systemClock, type Clock } from '../../clock.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal, InstitutionPrincipal, SupplierPrincipal } from '../../http/principal.js';
import type { Logger } from '../../logger.js';
import type { Transactional } from '../../transactional.js';
import type { RegionService } from '../regions/regions-service.js';
import type { PolicyRules } from '../policy/policy-store.js';
import type { EffectivePolicy, PolicyCheck } from '../policy/policy-service.js';
import { workingDayDeadline } from '../policy/working-days.js';
import type {
  Application,
  ApplicationChanges,
  ApplicationQuery,
  CollectionAccount,
  ConsentPart,
  CreditLine,
  DeadlineBreachQuery,
  DeadlineBreachRow,
  FinancingStore,
  Product,
  Transition,
} from './financing-store.js';
import { invalidTransition, statusesLeadingTo, type ApplicationStatus } from './lifecycle.js';
import type {
  Acceptance,
  AccessEntry,
  AccessLog,
  AccessOwner,
  AccountLockRelay,
  ContractSource,
  EventRecorder,
  FinancingContract,
  FinancingEventType,
  InstitutionDirectory,
  InstitutionSummary,
  LockStatus,
  Payment,
  RiskFlag,
} from './ports.js';
import { BusinessRuleError } from './products-service.js';
import { applicationTimeline, collectionWindow, type TimelineEntry } from './application-timeline.js';

/** Why a contract cannot be financed now. */
export type NotFinanceableReason = 'terminated' | 'completed' | 'fully_paid' | 'live_financing' | 'risk_flag';

/** A contract with what financing derives from it. */
export interface ContractWithStanding extends FinancingContract {
  unpaidFen: number;
  reasons: NotFinanceableReason[];
}

/** A product that can finance a contract, with the most it would lend. */
export interface Offer {
  product: Product;
  institutionName: string;
  maxLoanFen: number;
  /** The product's highest rate, bounded by the region's policy (`max_rate_bp`) when one sets it. */
  rateMaxBp: number;
  /** Working days to decide and to pay: the bank's promise bounded by the region's policy; null when neither sets one. */
  decideDays: number | null;
  disburseDays: number | null;
}

/** The region's policy as an offer meets it: its rules, and the contract's base for the share rule. */
export interface OfferPolicy {
  rules: Pick<PolicyRules, 'maxShareBp' | 'maxAmountFen' | 'maxRateBp' | 'feesAllowed' | 'decideDays' | 'disburseDays'>;
  shareBaseFen: number;
}

/** The days in force for the SME: the tighter of the bank's promise and the region's deadline. */
const tighter = (promise: number | null, deadline: number | null | undefined): number | null =>
  promise === null ? (deadline ?? null) : deadline == null ? promise : Math.min(promise, deadline);

/** An application as its owners see it: with its institution's name and whether its consent is live now. */
export interface ApplicationView extends Application {
  institutionName: string;
  consentLive: boolean;
}

/** An application with every transition it made, as the bank's operations answer. */
export interface ApplicationDetail extends ApplicationView {
  history: Transition[];
}

/** An application with its supplier's timeline. */
export interface SupplierApplicationDetail extends ApplicationView {
  timeline: TimelineEntry[];
}

/** An audited read with the reading institution's name. */
export interface AccessView extends AccessEntry {
  institutionName: string;
}

/** What a bank reads of each consented part of a contract. */
export interface ContractParts {
  contract: FinancingContract;
  acceptances: Acceptance[];
  payments: { items: Payment[]; paidFen: number; unpaidFen: number };
  risk_flags: RiskFlag[];
}

/** The stores a financing change writes, bound to one transaction: its own, and the outbox. */
export interface FinancingUnit {
  store: FinancingStore;
  events: EventRecorder;
}

/** Input of an application. */
export interface ApplicationInput {
  contractNo: string;
  productId: string;
  requestedAmountFen: number;
  parts: ConsentPart[];
  expiresAt: number;
}

/** Input of an approval. */
export interface Approval {
  amountFen: number;
  annualRateBp: number;
  termDays: number;
  account: CollectionAccount;
  /** Approve inside this pre-approved credit line, drawing the amount on it. */
  creditLineId?: string | undefined;
}

/** A credit line with its institution's name and what is left of it. */
export interface CreditLineView extends CreditLine {
  institutionName: string;
  availableFen: number;
  /** `expired` is an active line past its end. */
  state: 'active' | 'expired' | 'revoked';
}

/** Input of a credit line. */
export interface CreditLineInput {
  supplierUscc: string;
  amountFen: number;
  annualRateBp: number;
  validUntil: number;
}

/** What a bureau narrows its application list by; each filter optional. */
export interface BureauApplicationFilter {
  status?: ApplicationStatus | undefined;
  /** A region of the bureau's subtree (with the regions below it). */
  region?: string | undefined;
  institutionId?: string | undefined;
  /** Submitted at or after (epoch ms). */
  createdFrom?: number | undefined;
  /** Submitted before (epoch ms, exclusive). */
  createdBefore?: number | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
}

/** A reason code and text a caller may give with a move. */
export interface Reason {
  code?: string | undefined;
  text?: string | undefined;
}

/** Longest consent an SME can grant. */
export const MAX_CONSENT_MS = 366 * 24 * 3600 * 1000;

const applicationNotFound = () => new NotFoundError('application_not_found', 'No such application.');
const contractNotFound = () => new NotFoundError('contract_not_found', 'No such contract.');

/** The most a product lends on a contract with this unpaid balance. */
export function maxLoan(product: Pick<Product, 'maxAmountFen' | 'maxShareBp'>, unpaidFen: number): number {
  // unpaid ≤ 2^53 / 10^4 in practice (contracts ≤ 2000万 yuan), so the product stays exact.
  return Math.min(product.maxAmountFen, Math.floor((unpaidFen * product.maxShareBp) / 10_000));
}

/**
 * The offer `product` makes on `contract`, or undefined when it makes none: the product is approved, serves a
 * region of the purchaser's lineage and the contract's category, its institution is active, and it would lend
 * something on the unpaid balance. Given the region's policy, the offer is what a bank could approve under it
 * (the decision is checked against the same rules): the amount within `max_amount` and `max_share_bp`, the
 * rates up to `max_rate_bp`, the days within the deadlines; a product none of whose rates the policy allows,
 * or that charges a fee where none is allowed, makes no offer there. A product keeps its approval when a
 * bureau tightens the policy later, so this is where the SME sees the tighter rule.
 */
export function offerOf(
  product: Product,
  contract: Pick<ContractWithStanding, 'category' | 'unpaidFen'>,
  purchaserLineage: readonly string[],
  institution: InstitutionSummary | undefined,
  policy?: OfferPolicy,
): Offer | undefined {
  if (product.status !== 'approved' || !product.categories.includes(contract.category)) return undefined;
  if (!product.regions.some((r) => purchaserLineage.includes(r))) return undefined;
  if (!institution || institution.status !== 'active') return undefined;
  const rules = policy?.rules;
  const rateMaxBp = rules?.maxRateBp == null ? product.rateMaxBp : Math.min(product.rateMaxBp, rules.maxRateBp);
  if (rateMaxBp < product.rateMinBp) return undefined;
  if (rules?.feesAllowed === false && product.feeBp > 0) return undefined;
  let most = maxLoan(product, contract.unpaidFen);
  if (rules?.maxAmountFen != null) most = Math.min(most, rules.maxAmountFen);
  if (rules?.maxShareBp != null) most = Math.min(most, Math.floor((policy!.shareBaseFen * rules.maxShareBp) / 10_000));
  if (most <= 0) return undefined;
  return {
    product,
    institutionName: institution.name,
    maxLoanFen: most,
    rateMaxBp,
    decideDays: tighter(product.decideDays, rules?.decideDays),
    disburseDays: tighter(product.disburseDays, rules?.disburseDays),
  };
}

function standing(c: FinancingContract, reserved: boolean): ContractWithStanding {
  const unpaidFen = Math.max(0, c.amountFen - c.paidFen);
  const reasons: NotFinanceableReason[] = [];
  if (c.status === 'terminated') reasons.push('terminated');
  if (c.status === 'completed') reasons.push('completed');
  if (unpaidFen === 0) reasons.push('fully_paid');
  if (reserved) reasons.push('live_financing');
  if (c.blockingRiskFlag) reasons.push('risk_flag');
  return { ...c, unpaidFen, reasons };
}

/** The retention money (质保金) of a contract: its milestones named 质保…, in fen. */
export function retentionFen(c: Pick<FinancingContract, 'amountFen' | 'paymentTerms'>): number {
  const milestones = (c.paymentTerms as { milestones?: unknown }).milestones;
  if (!Array.isArray(milestones)) return 0;
  let percent = 0;
  for (const m of milestones as { name?: unknown; sharePercent?: unknown }[]) {
    if (typeof m?.name === 'string' && m.name.startsWith('质保') && typeof m.sharePercent === 'number') percent += m.sharePercent;
  }
  return Math.floor((c.amountFen * Math.min(100, Math.max(0, percent))) / 100);
}

/** The base of the policy's share rule: the unpaid amount less the retention. */
export const shareBase = (c: Pick<FinancingContract, 'amountFen' | 'paidFen' | 'paymentTerms'>): number =>
  Math.max(0, c.amountFen - c.paidFen - retentionFen(c));

/** A new application, submitted now, with the consent the SME grants with it. */
export function newApplication(
  contract: Pick<FinancingContract, 'contractNo' | 'supplierUscc' | 'supplierName' | 'supplierIsSme' | 'purchaserRegionCode'>,
  product: Pick<Product, 'id' | 'institutionId'>,
  o: { requestedAmountFen: number; parts: readonly ConsentPart[]; expiresAt: number; at: number; intentId?: string },
): Application {
  return {
    id: randomUUID(),
    contractNo: contract.contractNo,
    supplierUscc: contract.supplierUscc,
    supplierName: contract.supplierName,
    supplierIsSme: contract.supplierIsSme,
    institutionId: product.institutionId,
    productId: product.id,
    purchaserRegionCode: contract.purchaserRegionCode,
    requestedAmountFen: o.requestedAmountFen,
    status: 'submitted',
    approvedAmountFen: null,
    annualRateBp: null,
    termDays: null,
    account: null,
    lockRef: null,
    loanNo: null,
    disbursedFen: 0,
    repaidFen: 0,
    consentParts: [...o.parts].sort(),
    consentExpiresAt: o.expiresAt,
    consentRevokedAt: null,
    reasonCode: null,
    decidedAt: null,
    disbursedAt: null,
    settledAt: null,
    intentId: o.intentId ?? null,
    creditLineId: null,
    accountRelease: null,
    accountReleasedAt: null,
    createdAt: o.at,
    updatedAt: o.at,
  };
}

/** Throws unless a consent ending at `expiresAt` may be granted at `at`. */
export function assertConsentExpiry(expiresAt: number, at: number): void {
  if (expiresAt <= at || expiresAt > at + MAX_CONSENT_MS) {
    throw new BusinessRuleError('invalid_consent_expiry', 'The consent must end in the future and within 366 days.');
  }
}

/** The states in which a lock was asked of the cloud (a `lockRef` says it reached it): leaving them owes a release. */
const LOCK_HELD: readonly ApplicationStatus[] = ['account_lock_pending', 'account_locked', 'disbursed', 'repaying', 'overdue', 'defaulted'];

/** The changes that owe the cloud a release, when the application leaves a state holding a confirmed lock. */
const releaseOwed = (a: Application): ApplicationChanges =>
  LOCK_HELD.includes(a.status) && a.lockRef ? { accountRelease: 'account_release_pending' } : {};

/** Why an approval is refused from this state: superseded means another financing took the contract. */
const approvalRefused = (status: ApplicationStatus): ConflictError =>
  status === 'superseded'
    ? new ConflictError('contract_already_financed', 'Another financing already holds this contract.', { state: status })
    : invalidTransition(status, 'approved');

const move = (from: ApplicationStatus | null, to: ApplicationStatus, actor: string, at: number, reason: Reason = {}): Transition => ({
  from,
  to,
  actor,
  reasonCode: reason.code ?? null,
  reasonText: reason.text ?? null,
  at,
});

/** Applications from submission to settlement, for SMEs, banks and bureaus. */
export class ApplicationService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: FinancingStore;
      transactional: Transactional<FinancingUnit>;
      regions: RegionService;
      contracts: ContractSource;
      institutions: InstitutionDirectory;
      accessLog: AccessLog;
      locks: AccountLockRelay;
      logger: Logger;
      /** The bureaus' policy, enforced at approval and disbursement. */
      policy?: PolicyCheck;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  private now(): number {
    return epochMs(this.clock);
  }

  // Views

  private async views(items: Application[]): Promise<ApplicationView[]> {
    const institutions = await this.deps.institutions.summaries([...new Set(items.map((a) => a.institutionId))]);
    const at = this.now();
    return items.map((a) => this.view(a, institutions.get(a.institutionId)?.name ?? '', at));
  }

  private view(a: Application, institutionName: string, at = this.now()): ApplicationView {
    return { ...a, institutionName, consentLive: a.consentRevokedAt === null && a.consentExpiresAt > at && a.status !== 'withdrawn' };
  }

  private async viewPage(page: Page<Application>): Promise<Page<ApplicationView>> {
    return { items: await this.views(page.items), more: page.more };
  }

  private async detail(a: Application): Promise<ApplicationDetail> {
    const [[view], history] = await Promise.all([this.views([a]), this.deps.store.transitions(a.id)]);
    return { ...view!, history };
  }

  private async accessPage(owner: AccessOwner, beforeId: number | undefined, limit: number): Promise<Page<AccessView>> {
    const page = await readPage(limit, (n) => this.deps.accessLog.list(owner, { beforeId, limit: n }));
    const institutions = await this.deps.institutions.summaries([...new Set(page.items.map((e) => e.institutionId))]);
    return { items: page.items.map((e) => ({ ...e, institutionName: institutions.get(e.institutionId)?.name ?? '' })), more: page.more };
  }

  // SMEs

  /** One of the supplier's contracts with whether it can be financed now; 404 for anyone else's. */
  supplierContract(s: SupplierPrincipal, contractNo: string): Promise<ContractWithStanding> {
    return this.ownContract(s, contractNo);
  }

  private async ownContract(s: SupplierPrincipal, contractNo: string): Promise<ContractWithStanding> {
    const [c, reserved] = await Promise.all([this.deps.contracts.get(contractNo), this.deps.store.reservedContracts([contractNo])]);
    if (!c || c.supplierUscc !== s.uscc) throw contractNotFound();
    return standing(c, reserved.has(contractNo));
  }

  async listSupplierContracts(s: SupplierPrincipal, after: string | undefined, limit: number): Promise<Page<ContractWithStanding>> {
    const page = await readPage(limit, (n) => this.deps.contracts.listBySupplier(s.uscc, after, n));
    const reserved = await this.deps.store.reservedContracts(page.items.map((c) => c.contractNo));
    return { items: page.items.map((c) => standing(c, reserved.has(c.contractNo))), more: page.more };
  }

  /** Approved products of active institutions serving the purchaser's region and the contract's category. */
  async offers(s: SupplierPrincipal, contractNo: string): Promise<{ contract: ContractWithStanding; offers: Offer[]; creditLines: CreditLineView[] }> {
    const contract = await this.ownContract(s, contractNo);
    const creditLines = await this.creditViews(await this.deps.store.listCreditLines({ supplierUscc: s.uscc, liveAt: this.now(), limit: 100 }));
    const lineage = await this.deps.regions.lineageCodes(contract.purchaserRegionCode);
    const products = await this.deps.store.listProducts({ regionCodes: lineage, status: 'approved', limit: 500 });
    const [institutions, policy] = await Promise.all([
      this.deps.institutions.summaries([...new Set(products.map((p) => p.institutionId))]),
      this.deps.policy?.effective(contract.purchaserRegionCode),
    ]);
    const offers = products.flatMap((p) => offerOf(p, contract, lineage, institutions.get(p.institutionId), policy && { rules: policy.rules, shareBaseFen: shareBase(contract) }) ?? []);
    offers.sort((a, b) => b.maxLoanFen - a.maxLoanFen || a.product.id.localeCompare(b.product.id));
    return { contract, offers, creditLines };
  }

  /** Applies for one product on one of the supplier's contracts, granting that product's institution the consent. */
  async create(s: SupplierPrincipal, input: ApplicationInput): Promise<ApplicationView> {
    const at = this.now();
    assertConsentExpiry(input.expiresAt, at);
    const [found, product, holds] = await Promise.all([
      this.deps.contracts.get(input.contractNo),
      this.deps.store.getProduct(input.productId),
      this.deps.store.contractHolds(input.contractNo, s.uscc, input.productId),
    ]);
    // The checks in the order `ownContract` and the offer make them; the holds were only read together.
    if (!found || found.supplierUscc !== s.uscc) throw contractNotFound();
    const contract = standing(found, holds.reserved);
    if (contract.reasons.length) {
      throw new ConflictError('contract_not_financeable', 'This contract cannot be financed now.', { reasons: contract.reasons });
    }
    const [lineage, institutions] = product
      ? await Promise.all([this.deps.regions.lineageCodes(contract.purchaserRegionCode), this.deps.institutions.summaries([product.institutionId])])
      : [[], new Map<string, InstitutionSummary>()];
    const offer = product && offerOf(product, contract, lineage, institutions.get(product.institutionId));
    if (!offer) throw new BusinessRuleError('product_not_offered', 'This product does not serve this contract.');
    if (input.requestedAmountFen > offer.maxLoanFen) {
      throw new BusinessRuleError('amount_exceeds_limit', `The most this product lends on this contract is ${offer.maxLoanFen} fen.`, {
        max_amount: offer.maxLoanFen,
      });
    }
    if (holds.openApplication) {
      throw new ConflictError('duplicate_application', 'An open application for this contract and product exists.');
    }
    const application = newApplication(contract, offer.product, {
      requestedAmountFen: input.requestedAmountFen,
      parts: input.parts,
      expiresAt: input.expiresAt,
      at,
    });
    await this.deps.transactional(async ({ store, events }) => {
      await store.insertApplication(application, move(null, 'submitted', `supplier:${s.uscc}`, at));
      await this.event(events, application, 'application.submitted', {
        requested_amount: application.requestedAmountFen,
        consent_parts: application.consentParts,
        consent_expires_at: isoTime(application.consentExpiresAt),
      });
    });
    return this.view(application, offer.institutionName, at);
  }

  async listForSupplier(s: SupplierPrincipal, before: { createdAt: number; id: string } | undefined, limit: number): Promise<Page<ApplicationView>> {
    return this.viewPage(await readPage(limit, (n) => this.deps.store.listApplications({ supplierUscc: s.uscc, before, limit: n })));
  }

  private async supplierApplication(s: SupplierPrincipal, id: string): Promise<Application> {
    const a = await this.deps.store.getApplication(id);
    if (!a || a.supplierUscc !== s.uscc) throw applicationNotFound();
    return a;
  }

  /** One of the supplier's applications with its timeline; 404 for anyone else's. */
  async supplierDetail(s: SupplierPrincipal, id: string): Promise<SupplierApplicationDetail> {
    const a = await this.supplierApplication(s, id);
    const [[view], transitions, money] = await Promise.all([this.views([a]), this.deps.store.transitions(a.id), this.deps.store.moneyMovements(a.id)]);
    const window = collectionWindow(transitions, this.now());
    const payments = window ? await this.deps.contracts.paymentsReceived(a.contractNo, window.from, window.to) : [];
    return { ...view!, timeline: applicationTimeline(a, transitions, money, payments) };
  }

  /** Before disbursement: withdrawn if not yet approved, cancelled (reservation released) if approved. */
  async withdraw(s: SupplierPrincipal, id: string, reason: Reason): Promise<ApplicationView> {
    const a = await this.supplierApplication(s, id);
    const to: ApplicationStatus = ['submitted', 'under_review'].includes(a.status) ? 'withdrawn' : 'cancelled';
    if (to === 'cancelled' && !['approved', 'account_lock_pending', 'account_locked'].includes(a.status)) {
      throw invalidTransition(a.status, 'withdrawn');
    }
    const at = this.now();
    const changes = { consentRevokedAt: a.consentRevokedAt ?? at, ...releaseOwed(a) };
    // One instant for the new state and the consent's end (passed to apply), so the timeline shows them in order.
    const moved = await this.apply(a, to, `supplier:${s.uscc}`, changes, reason, async ({ store, events }) => {
      if (to === 'cancelled') {
        await store.release(a.id);
        await this.giveBack(store, a);
      }
      await this.event(events, a, 'application.withdrawn', { status: to });
    }, at);
    return (await this.views([await this.releaseAccount(moved)]))[0]!;
  }

  async revokeConsent(s: SupplierPrincipal, id: string): Promise<ApplicationView> {
    const a = await this.supplierApplication(s, id);
    if (a.consentRevokedAt !== null) return (await this.views([a]))[0]!;
    const at = this.now();
    const revoked = await this.deps.transactional(async ({ store, events }) => {
      const updated = await store.update(a.id, { consentRevokedAt: at }, at);
      await this.event(events, a, 'consent.revoked', {});
      return updated ?? { ...a, consentRevokedAt: at, updatedAt: at };
    });
    return (await this.views([revoked]))[0]!;
  }

  dataAccessForSupplier(s: SupplierPrincipal, beforeId: number | undefined, limit: number): Promise<Page<AccessView>> {
    return this.accessPage({ supplierUscc: s.uscc }, beforeId, limit);
  }

  // Banks

  async listForInstitution(
    p: InstitutionPrincipal,
    status: ApplicationStatus | undefined,
    before: { createdAt: number; id: string } | undefined,
    limit: number,
  ): Promise<Page<ApplicationView>> {
    return this.viewPage(await readPage(limit, (n) => this.deps.store.listApplications({ institutionId: p.institutionId, status, before, limit: n })));
  }

  async getForInstitution(p: InstitutionPrincipal, id: string): Promise<ApplicationDetail> {
    return this.detail(await this.bankApplication(p, id));
  }

  /** The parts read after the consent check; the contract itself is read with it (`readPart`). */
  private readonly partReaders: { [P in Exclude<ConsentPart, 'contract'>]: (contractNo: string) => Promise<ContractParts[P] | undefined> } = {
    acceptances: (no) => this.deps.contracts.acceptances(no),
    payments: async (no) => {
      const contract = await this.deps.contracts.get(no);
      if (!contract) return undefined;
      return { items: await this.deps.contracts.payments(no), paidFen: contract.paidFen, unpaidFen: Math.max(0, contract.amountFen - contract.paidFen) };
    },
    risk_flags: (no) => this.deps.contracts.riskFlags(no),
  };

  /**
   * Reads one consented part of the contract's data, and logs the read. Every refusal — another bank's
   * application, a withdrawn one, a revoked or expired consent, a part not consented — is the same 404.
   */
  async readPart<P extends ConsentPart>(p: InstitutionPrincipal, id: string, part: P): Promise<ContractParts[P]> {
    const at = this.now();
    // The contract itself comes with the consent in one read; the other parts are read once the consent holds.
    const joined = part === 'contract' ? await this.deps.store.getApplicationAccessWithContract(id) : undefined;
    const a = part === 'contract' ? joined?.access : await this.deps.store.getApplicationAccess(id);
    const live =
      a !== undefined &&
      a.institutionId === p.institutionId &&
      a.status !== 'withdrawn' &&
      a.consentRevokedAt === null &&
      a.consentExpiresAt > at &&
      a.consentParts.includes(part);
    if (!live) throw applicationNotFound();
    const data = joined
      ? (joined.contract as ContractParts[P] | undefined)
      : await (this.partReaders[part as Exclude<ConsentPart, 'contract'>] as (contractNo: string) => Promise<ContractParts[P] | undefined>)(a.contractNo);
    if (data === undefined) throw applicationNotFound();
    await this.deps.accessLog.append({
      at,
      institutionId: a.institutionId,
      applicationId: a.id,
      contractNo: a.contractNo,
      supplierUscc: a.supplierUscc,
      purchaserRegionCode: a.purchaserRegionCode,
      part,
      consentExpiresAt: a.consentExpiresAt,
    });
    return data;
  }

  private async bankApplication(p: InstitutionPrincipal, id: string): Promise<Application> {
    const a = await this.deps.store.getApplication(id);
    if (!a || a.institutionId !== p.institutionId) throw applicationNotFound();
    return a;
  }

  async startReview(p: InstitutionPrincipal, id: string, reason: Reason): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    return this.detail(await this.apply(a, 'under_review', `institution:${p.institutionId}`, {}, reason));
  }

  async reject(p: InstitutionPrincipal, id: string, reasonCode: string, reasonText?: string): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    const at = this.now();
    const changes = { reasonCode, decidedAt: at };
    const moved = await this.apply(
      a,
      'rejected',
      `institution:${p.institutionId}`,
      changes,
      { code: reasonCode, text: reasonText },
      ({ events }) => this.event(events, a, 'application.rejected', { reason_code: reasonCode }),
      at,
    );
    return this.detail(moved);
  }

  /**
   * Approves: reserves the contract (one live financing; the second concurrent approval gets 409),
   * then asks the cloud to lock the collection account.
   */
  async approve(p: InstitutionPrincipal, id: string, d: Approval): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    if (!['submitted', 'under_review'].includes(a.status)) throw approvalRefused(a.status);
    const [contract, product] = await Promise.all([this.deps.contracts.get(a.contractNo), this.deps.store.getProduct(a.productId)]);
    if (!contract || !product) throw applicationNotFound();
    const unpaid = Math.max(0, contract.amountFen - contract.paidFen);
    if (contract.status !== 'active' || contract.blockingRiskFlag) {
      throw new ConflictError('contract_not_financeable', 'The contract cannot be financed now.');
    }
    const limit = Math.min(maxLoan(product, unpaid), unpaid);
    if (d.amountFen > limit) {
      throw new BusinessRuleError('amount_exceeds_limit', `At most ${limit} fen can be approved on this contract now.`, { max_amount: limit });
    }
    if (d.annualRateBp < product.rateMinBp || d.annualRateBp > product.rateMaxBp) {
      throw new BusinessRuleError('rate_outside_product', 'The rate is outside the product\'s range.');
    }
    if (d.termDays < product.termMinDays || d.termDays > product.termMaxDays) {
      throw new BusinessRuleError('term_outside_product', 'The term is outside the product\'s range.');
    }
    await this.deps.policy?.enforce(a.purchaserRegionCode, { amountFen: d.amountFen, shareBaseFen: shareBase(contract), rateBp: d.annualRateBp });
    const at = this.now();
    if (d.creditLineId !== undefined) {
      const line = await this.deps.store.getCreditLine(d.creditLineId);
      if (!line || line.institutionId !== p.institutionId || line.supplierUscc !== a.supplierUscc) {
        throw new NotFoundError('credit_line_not_found', 'No such credit line for this supplier.');
      }
      if (line.status !== 'active' || line.validUntil <= at) {
        throw new ConflictError('credit_line_not_live', 'The credit line is revoked or expired.', { state: line.status === 'active' ? 'expired' : line.status });
      }
      if (d.annualRateBp > line.annualRateBp) {
        throw new BusinessRuleError('rate_above_credit_line', `The credit line allows at most ${line.annualRateBp} bp.`, { max_rate_bp: line.annualRateBp });
      }
    }
    const actor = `institution:${p.institutionId}`;
    const pending = await this.deps.transactional(async ({ store, events }) => {
      const approved = await store.transition(
        a.id,
        ['submitted', 'under_review'],
        'approved',
        {
          approvedAmountFen: d.amountFen,
          annualRateBp: d.annualRateBp,
          termDays: d.termDays,
          account: d.account,
          decidedAt: at,
          ...(d.creditLineId ? { creditLineId: d.creditLineId } : {}),
        },
        move(a.status, 'approved', actor, at),
      );
      if (!approved) throw approvalRefused((await store.getApplication(a.id))?.status ?? a.status);
      if (!(await store.reserve(a.contractNo, a.id, at))) {
        throw new ConflictError('contract_already_financed', 'Another financing already holds this contract.');
      }
      if (d.creditLineId && !(await store.drawCredit(d.creditLineId, d.amountFen, at))) {
        const line = await store.getCreditLine(d.creditLineId);
        const available = line ? Math.max(0, line.amountFen - line.usedFen) : 0;
        throw new BusinessRuleError('credit_line_exceeded', `Only ${available} fen is left on the credit line.`, { available });
      }
      const locking = await store.transition(a.id, ['approved'], 'account_lock_pending', {}, move('approved', 'account_lock_pending', actor, at));
      await this.event(events, a, 'application.approved', { amount: d.amountFen });
      return locking!;
    });
    return this.detail(await this.requestLock(pending));
  }

  /** Relays the lock request; a cloud that cannot be reached leaves it pending for the poller. */
  private async requestLock(a: Application): Promise<Application> {
    if (a.status !== 'account_lock_pending' || !a.account) return a;
    let status: LockStatus;
    try {
      status = await this.deps.locks.request(a.contractNo, a.account, a.id);
    } catch (err) {
      this.deps.logger.warn({ err, application_id: a.id }, 'collection-account lock request failed; will retry');
      return a;
    }
    return this.applyLock(a, status);
  }

  /** Records the cloud's answer on an application waiting for its lock; the application as it now stands. */
  private async applyLock(a: Application, status: LockStatus): Promise<Application> {
    const at = this.now();
    if (status.status === 'pending') {
      if (a.lockRef === status.ref) return a;
      return (await this.deps.store.update(a.id, { lockRef: status.ref }, at)) ?? a;
    }
    const moved = await this.deps.transactional(async ({ store, events }) => {
      if (status.status === 'confirmed') {
        const locked = await store.transition(a.id, ['account_lock_pending'], 'account_locked', { lockRef: status.ref }, move('account_lock_pending', 'account_locked', 'cloud', at));
        if (locked) {
          await this.event(events, a, 'account_lock.confirmed', { lock_ref: status.ref });
          await this.supersedeOthers(store, events, a, at);
        }
        return locked;
      }
      const failed = await store.transition(
        a.id,
        ['account_lock_pending'],
        'lock_failed',
        { lockRef: status.ref, reasonCode: 'lock_refused' },
        move('account_lock_pending', 'lock_failed', 'cloud', at, { code: 'lock_refused', text: status.reason }),
      );
      if (failed) {
        await store.release(a.id);
        await this.giveBack(store, failed);
        await this.event(events, a, 'account_lock.failed', { reason: status.reason ?? 'refused' });
      }
      return failed;
    });
    // Another instance's poller got there first: read what it left.
    return moved ?? (await this.deps.store.getApplication(a.id)) ?? a;
  }

  /**
   * One financing took the contract: every other undecided application on it is superseded, in the same
   * transaction, its consent ended at once (its bank's next read is refused like any read without consent).
   */
  private async supersedeOthers(store: FinancingStore, events: EventRecorder, winner: Application, at: number): Promise<void> {
    for (const other of await store.openOnContract(winner.contractNo, winner.id)) {
      const moved = await store.transition(
        other.id,
        ['submitted', 'under_review'],
        'superseded',
        { consentRevokedAt: other.consentRevokedAt ?? at, reasonCode: 'contract_financed' },
        move(other.status, 'superseded', 'gateway', at, { code: 'contract_financed' }),
      );
      if (moved) await this.event(events, other, 'application.superseded', {});
    }
  }

  /**
   * Asks the cloud once to release the account an ended financing held; the application as it then stands.
   * A cloud that fails or has not confirmed leaves it `account_release_pending` for {@link pollReleases}.
   */
  private async releaseAccount(a: Application): Promise<Application> {
    if (a.accountRelease !== 'account_release_pending' || !a.lockRef) return a;
    try {
      await this.deps.locks.release(a.contractNo, a.lockRef, a.id);
    } catch (err) {
      this.deps.logger.warn({ err, application_id: a.id }, 'collection-account release not confirmed; will retry');
      return a;
    }
    const at = this.now();
    return (await this.deps.store.update(a.id, { accountRelease: 'account_released', accountReleasedAt: at }, at)) ?? a;
  }

  /**
   * Records every deadline of the bureaus' policy that has passed — a decision later than `decide_days`
   * working days after submission, a disbursement later than `disburse_days` after approval — once each, and
   * tells the bank (`application.deadline_missed`). Returns how many were recorded now.
   */
  async sweepDeadlines(limit = 1000): Promise<number> {
    const policy = this.deps.policy;
    if (!policy) return 0;
    const at = this.now();
    const candidates = await this.deps.store.listByStatus(['submitted', 'under_review', 'approved', 'account_lock_pending', 'account_locked'], limit);
    const rulesOf = new Map<string, Promise<EffectivePolicy>>();
    let recorded = 0;
    for (const a of candidates) {
      if (!rulesOf.has(a.purchaserRegionCode)) rulesOf.set(a.purchaserRegionCode, policy.effective(a.purchaserRegionCode));
      const { rules } = await rulesOf.get(a.purchaserRegionCode)!;
      const undecided = a.status === 'submitted' || a.status === 'under_review';
      const deadline = undecided ? 'decide' : 'disburse';
      const days = undecided ? rules.decideDays : rules.disburseDays;
      const start = undecided ? a.createdAt : a.decidedAt;
      if (days === null || start === null) continue;
      const dueAt = workingDayDeadline(start, days);
      if (dueAt > at) continue;
      const fresh = await this.deps.transactional(async ({ store, events }) => {
        const breach = { applicationId: a.id, deadline, institutionId: a.institutionId, regionCode: a.purchaserRegionCode, workingDays: days, dueAt, recordedAt: at } as const;
        if (!(await store.recordBreach(breach))) return false;
        await this.event(events, a, 'application.deadline_missed', { deadline, working_days: days, due_at: isoTime(dueAt), region_code: a.purchaserRegionCode });
        return true;
      });
      if (fresh) recorded++;
    }
    return recorded;
  }

  /** A financing drawn on a credit line ended: its amount is available on the line again. */
  private async giveBack(store: FinancingStore, a: Application): Promise<void> {
    if (a.creditLineId && a.approvedAmountFen) await store.restoreCredit(a.creditLineId, a.approvedAmountFen);
  }

  // Credit lines (提前授信)

  private async creditViews(lines: CreditLine[]): Promise<CreditLineView[]> {
    const names = await this.deps.institutions.summaries([...new Set(lines.map((l) => l.institutionId))]);
    const at = this.now();
    return lines.map((l) => ({
      ...l,
      institutionName: names.get(l.institutionId)?.name ?? '',
      availableFen: Math.max(0, l.amountFen - l.usedFen),
      state: l.status === 'revoked' ? 'revoked' : l.validUntil <= at ? 'expired' : 'active',
    }));
  }

  /** Records a line the institution sets for a supplier. */
  async createCreditLine(p: InstitutionPrincipal, input: CreditLineInput): Promise<CreditLineView> {
    const at = this.now();
    if (input.validUntil <= at || input.validUntil > at + MAX_CONSENT_MS) {
      throw new BusinessRuleError('invalid_credit_line_validity', 'A credit line must end in the future and within 366 days.');
    }
    const line: CreditLine = {
      id: randomUUID(),
      institutionId: p.institutionId,
      supplierUscc: input.supplierUscc,
      amountFen: input.amountFen,
      usedFen: 0,
      annualRateBp: input.annualRateBp,
      validUntil: input.validUntil,
      status: 'active',
      revokedAt: null,
      createdAt: at,
    };
    await this.deps.transactional(({ store }) => store.insertCreditLine(line));
    return (await this.creditViews([line]))[0]!;
  }

  async listCreditLines(
    p: InstitutionPrincipal,
    q: { supplierUscc?: string | undefined; before?: { createdAt: number; id: string } | undefined; limit: number },
  ): Promise<Page<CreditLineView>> {
    const page = await readPage(q.limit, (n) =>
      this.deps.store.listCreditLines({ institutionId: p.institutionId, ...(q.supplierUscc ? { supplierUscc: q.supplierUscc } : {}), ...(q.before ? { before: q.before } : {}), limit: n }),
    );
    return { items: await this.creditViews(page.items), more: page.more };
  }

  async revokeCreditLine(p: InstitutionPrincipal, id: string): Promise<CreditLineView> {
    const line = await this.deps.store.getCreditLine(id);
    if (!line || line.institutionId !== p.institutionId) throw new NotFoundError('credit_line_not_found', 'No such credit line.');
    const revoked = await this.deps.transactional(({ store }) => store.revokeCreditLine(id, this.now()));
    if (!revoked) throw new ConflictError('credit_line_revoked', 'The credit line is revoked already.');
    return (await this.creditViews([revoked]))[0]!;
  }

  /** Asks the cloud again about every release it has not confirmed; returns how many were looked at. */
  async pollReleases(limit = 100): Promise<number> {
    const pending = await this.deps.store.pendingReleases(limit);
    for (const a of pending) await this.releaseAccount(a);
    return pending.length;
  }

  /** Asks the cloud about every pending lock once; returns how many were looked at. */
  async pollLocks(limit = 100): Promise<number> {
    const pending = await this.deps.store.pendingLocks(limit);
    for (const a of pending) {
      if (!a.lockRef) {
        await this.requestLock(a);
        continue;
      }
      try {
        await this.applyLock(a, await this.deps.locks.status(a.lockRef));
      } catch (err) {
        this.deps.logger.warn({ err, application_id: a.id }, 'collection-account lock status unavailable');
      }
    }
    return pending.length;
  }

  async disburse(p: InstitutionPrincipal, id: string, d: { loanNo: string; amountFen: number; on: string }): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    if (a.status !== 'account_locked') throw invalidTransition(a.status, 'disbursed');
    if (d.amountFen > (a.approvedAmountFen ?? 0)) {
      throw new BusinessRuleError('amount_exceeds_approved', `At most ${a.approvedAmountFen} fen was approved.`);
    }
    if (this.deps.policy) {
      const contract = await this.deps.contracts.get(a.contractNo);
      if (contract) await this.deps.policy.enforce(a.purchaserRegionCode, { amountFen: d.amountFen, shareBaseFen: shareBase(contract) + a.disbursedFen });
    }
    // The move and the money it records carry one time, so the supplier's timeline shows the state, then the money.
    const at = this.now();
    const changes = { loanNo: d.loanNo, disbursedFen: d.amountFen, disbursedAt: at };
    const moved = await this.apply(a, 'disbursed', `institution:${p.institutionId}`, changes, {}, async ({ store, events }) => {
      await store.insertDisbursement({ applicationId: a.id, loanNo: d.loanNo, amountFen: d.amountFen, on: d.on, at });
      await this.event(events, a, 'financing.disbursed', { amount: d.amountFen, loan_no: d.loanNo });
    }, at);
    return this.detail(moved);
  }

  async repay(p: InstitutionPrincipal, id: string, r: { amountFen: number; on: string; reference?: string | undefined }): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    if (!['disbursed', 'repaying', 'overdue', 'defaulted'].includes(a.status)) throw invalidTransition(a.status, 'repaying');
    const outstanding = a.disbursedFen - a.repaidFen;
    if (r.amountFen > outstanding) {
      throw new BusinessRuleError('amount_exceeds_outstanding', `Only ${outstanding} fen is outstanding.`, { outstanding });
    }
    const at = this.now();
    const moved = await this.apply(
      a,
      'repaying',
      `institution:${p.institutionId}`,
      { repaidFen: a.repaidFen + r.amountFen },
      {},
      ({ store }) => store.insertRepayment({ applicationId: a.id, amountFen: r.amountFen, on: r.on, reference: r.reference, at }),
      at,
    );
    return this.detail(moved);
  }

  async settle(p: InstitutionPrincipal, id: string, s: { on: string; note?: string | undefined }): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    if (!['disbursed', 'repaying', 'overdue', 'defaulted'].includes(a.status)) throw invalidTransition(a.status, 'settled');
    const outstanding = a.disbursedFen - a.repaidFen;
    if (outstanding > 0) {
      throw new BusinessRuleError('outstanding_balance', `${outstanding} fen is still outstanding; report the repayment first.`, { outstanding });
    }
    const changes = { settledAt: this.now(), ...releaseOwed(a) };
    const moved = await this.apply(a, 'settled', `institution:${p.institutionId}`, changes, { text: s.note }, async ({ store, events }) => {
      await store.release(a.id);
      await this.giveBack(store, a);
      await this.event(events, a, 'financing.settled', { settled_on: s.on });
    });
    return this.detail(await this.releaseAccount(moved));
  }

  async markOverdue(p: InstitutionPrincipal, id: string, reason: Reason): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    return this.detail(await this.apply(a, 'overdue', `institution:${p.institutionId}`, {}, reason));
  }

  async markDefaulted(p: InstitutionPrincipal, id: string, reason: Reason): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    return this.detail(await this.apply(a, 'defaulted', `institution:${p.institutionId}`, {}, reason));
  }

  async cancel(p: InstitutionPrincipal, id: string, reason: Reason): Promise<ApplicationDetail> {
    const a = await this.bankApplication(p, id);
    const moved = await this.apply(a, 'cancelled', `institution:${p.institutionId}`, releaseOwed(a), reason, async ({ store, events }) => {
      await store.release(a.id);
      await this.giveBack(store, a);
      await this.event(events, a, 'application.cancelled', {});
    });
    return this.detail(await this.releaseAccount(moved));
  }

  // Bureaus

  private async bureauRegions(b: BureauPrincipal, region: string | undefined): Promise<string[]> {
    const subtree = await this.deps.regions.subtreeCodes(b.regionCode);
    if (region === undefined) return subtree;
    if (!subtree.includes(region)) throw new ForbiddenError('outside_subtree', 'The region is outside this bureau\'s subtree.');
    return this.deps.regions.subtreeCodes(region);
  }

  async listForBureau(b: BureauPrincipal, q: BureauApplicationFilter & { before?: { createdAt: number; id: string } | undefined; limit: number }): Promise<Page<ApplicationView>> {
    const regionCodes = await this.bureauRegions(b, q.region);
    const filter: ApplicationQuery = { regionCodes, limit: q.limit };
    if (q.status !== undefined) filter.status = q.status;
    if (q.institutionId !== undefined) filter.institutionId = q.institutionId;
    if (q.createdFrom !== undefined) filter.createdFrom = q.createdFrom;
    if (q.createdBefore !== undefined) filter.createdBefore = q.createdBefore;
    if (q.amountMin !== undefined) filter.amountMin = q.amountMin;
    if (q.amountMax !== undefined) filter.amountMax = q.amountMax;
    if (q.before !== undefined) filter.before = q.before;
    return this.viewPage(await readPage(q.limit, (n) => this.deps.store.listApplications({ ...filter, limit: n })));
  }

  /** One application purchased in the bureau's subtree, with its history; any other is not found. */
  async getForBureau(b: BureauPrincipal, id: string): Promise<ApplicationDetail> {
    const a = await this.deps.store.getApplication(id);
    if (!a || !(await this.deps.regions.isWithin(a.purchaserRegionCode, b.regionCode))) throw applicationNotFound();
    return this.detail(a);
  }

  /** The policy deadlines banks missed on applications purchased in the bureau's subtree (or one region of it), newest first. */
  async breachesForBureau(
    b: BureauPrincipal,
    q: { region?: string | undefined; deadline?: 'decide' | 'disburse' | undefined; before?: DeadlineBreachQuery['before']; limit: number },
  ): Promise<Page<DeadlineBreachRow & { institutionName: string }>> {
    const regionCodes = await this.bureauRegions(b, q.region);
    const page = await readPage(q.limit, (n) => this.deps.store.listBreaches({ regionCodes, deadline: q.deadline, before: q.before, limit: n }));
    const names = await this.deps.institutions.summaries([...new Set(page.items.map((x) => x.institutionId))]);
    return { items: page.items.map((x) => ({ ...x, institutionName: names.get(x.institutionId)?.name ?? '' })), more: page.more };
  }

  async dataAccessForBureau(b: BureauPrincipal, beforeId: number | undefined, limit: number): Promise<Page<AccessView>> {
    return this.accessPage({ regionCodes: await this.bureauRegions(b, undefined) }, beforeId, limit);
  }

  // Shared

  private async conflictNow(store: FinancingStore, id: string, to: ApplicationStatus) {
    const now = await store.getApplication(id);
    return invalidTransition(now?.status ?? 'submitted', to);
  }

  /** One checked transition with its side effects, in one transaction; the application as it then stands. */
  private async apply(
    a: Application,
    to: ApplicationStatus,
    actor: string,
    changes: ApplicationChanges,
    reason: Reason,
    effects?: (unit: FinancingUnit) => Promise<void>,
    at = this.now(),
  ): Promise<Application> {
    if (!statusesLeadingTo(to).includes(a.status)) throw invalidTransition(a.status, to);
    return this.deps.transactional(async (unit) => {
      const moved = await unit.store.transition(a.id, [a.status], to, changes, move(a.status, to, actor, at, reason));
      if (!moved) throw await this.conflictNow(unit.store, a.id, to);
      await effects?.(unit);
      return moved;
    });
  }

  private event(events: EventRecorder, a: Application, type: FinancingEventType, data: Record<string, unknown>): Promise<void> {
    return events.record({
      type,
      contractNo: a.contractNo,
      applicationId: a.id,
      institutionId: a.institutionId,
      data: { application_id: a.id, contract_no: a.contractNo, ...data },
    });
  }
}
