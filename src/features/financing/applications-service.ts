import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { BureauPrincipal, InstitutionPrincipal, SupplierPrincipal } from '../../http/principal.js';
import type { Logger } from '../../logger.js';
import type { RegionService } from '../regions/regions-service.js';
import { recordAccess } from '../audit/access-chain.js';
import type { ApplicationChanges, KnexFinancingStore } from './financing-knex-store.js';
import type { Application, CollectionAccount, ConsentPart, Product, Transition } from './financing-store.js';
import { invalidTransition, statusesLeadingTo, type ApplicationStatus } from './lifecycle.js';
import type { AccountLockRelay, ContractSource, EventRecorder, FinancingContract, InstitutionDirectory, LockStatus } from './ports.js';
import { BusinessRuleError } from './products-service.js';

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

/** Input of an approval. */
export interface Approval {
  amountFen: number;
  annualRateBp: number;
  termDays: number;
  account: CollectionAccount;
}

/** Applications from submission to settlement, for SMEs, banks and bureaus. */
export class ApplicationService {
  constructor(
    private readonly deps: {
      store: KnexFinancingStore;
      regions: RegionService;
      contracts: ContractSource;
      institutions: InstitutionDirectory;
      locks: AccountLockRelay;
      events: EventRecorder;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private standing(c: FinancingContract, reserved: boolean): ContractWithStanding {
    const unpaidFen = Math.max(0, c.amountFen - c.paidFen);
    const reasons: NotFinanceableReason[] = [];
    if (c.status === 'terminated') reasons.push('terminated');
    if (c.status === 'completed') reasons.push('completed');
    if (unpaidFen === 0) reasons.push('fully_paid');
    if (reserved) reasons.push('live_financing');
    if (c.blockingRiskFlag) reasons.push('risk_flag');
    return { ...c, unpaidFen, reasons };
  }

  private async ownContract(s: SupplierPrincipal, contractNo: string): Promise<ContractWithStanding> {
    const c = await this.deps.contracts.get(contractNo);
    if (!c || c.supplierUscc !== s.uscc) throw contractNotFound();
    const reserved = await this.deps.store.reservedContracts([contractNo]);
    return this.standing(c, reserved.has(contractNo));
  }

  // SMEs

  async listSupplierContracts(s: SupplierPrincipal, after: string | undefined, limit: number) {
    const rows = await this.deps.contracts.listBySupplier(s.uscc, after, limit + 1);
    const page = rows.slice(0, limit);
    const reserved = await this.deps.store.reservedContracts(page.map((c) => c.contractNo));
    return { items: page.map((c) => this.standing(c, reserved.has(c.contractNo))), more: rows.length > limit };
  }

  /** Approved products of active institutions serving the purchaser's region and the contract's category. */
  async offers(s: SupplierPrincipal, contractNo: string): Promise<{ contract: ContractWithStanding; offers: Offer[] }> {
    const contract = await this.ownContract(s, contractNo);
    const lineage = await this.deps.regions.lineageCodes(contract.purchaserRegionCode);
    const products = (await this.deps.store.listProducts({ regionCodes: lineage, status: 'approved', limit: 500 })).filter(
      (p) => p.categories.includes(contract.category),
    );
    const institutions = await this.deps.institutions.getMany([...new Set(products.map((p) => p.institutionId))]);
    const offers: Offer[] = [];
    for (const product of products) {
      const inst = institutions.get(product.institutionId);
      if (!inst || inst.status !== 'active') continue;
      const most = maxLoan(product, contract.unpaidFen);
      if (most > 0) offers.push({ product, institutionName: inst.name, maxLoanFen: most });
    }
    offers.sort((a, b) => b.maxLoanFen - a.maxLoanFen || a.product.id.localeCompare(b.product.id));
    return { contract, offers };
  }

  async create(
    s: SupplierPrincipal,
    input: { contractNo: string; productId: string; requestedAmountFen: number; parts: ConsentPart[]; expiresAt: number },
  ): Promise<Application> {
    const at = this.now();
    if (input.expiresAt <= at || input.expiresAt > at + MAX_CONSENT_MS) {
      throw new BusinessRuleError('invalid_consent_expiry', 'The consent must end in the future and within 366 days.');
    }
    const { contract, offers } = await this.offers(s, input.contractNo);
    if (contract.reasons.length) {
      throw new ConflictError('contract_not_financeable', 'This contract cannot be financed now.', {
        reasons: contract.reasons,
      });
    }
    const offer = offers.find((o) => o.product.id === input.productId);
    if (!offer) throw new BusinessRuleError('product_not_offered', 'This product does not serve this contract.');
    if (input.requestedAmountFen > offer.maxLoanFen) {
      throw new BusinessRuleError('amount_exceeds_limit', `The most this product lends on this contract is ${offer.maxLoanFen} fen.`, {
        max_amount: offer.maxLoanFen,
      });
    }
    if (await this.deps.store.hasOpenApplication(s.uscc, contract.contractNo, input.productId)) {
      throw new ConflictError('duplicate_application', 'An open application for this contract and product exists.');
    }
    const application: Application = {
      id: randomUUID(),
      contractNo: contract.contractNo,
      supplierUscc: s.uscc,
      supplierName: contract.supplierName,
      supplierIsSme: contract.supplierIsSme,
      institutionId: offer.product.institutionId,
      productId: offer.product.id,
      purchaserRegionCode: contract.purchaserRegionCode,
      requestedAmountFen: input.requestedAmountFen,
      status: 'submitted',
      approvedAmountFen: null,
      annualRateBp: null,
      termDays: null,
      account: null,
      lockRef: null,
      loanNo: null,
      disbursedFen: 0,
      repaidFen: 0,
      consentParts: [...input.parts].sort(),
      consentExpiresAt: input.expiresAt,
      consentRevokedAt: null,
      reasonCode: null,
      decidedAt: null,
      disbursedAt: null,
      settledAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertApplication(application, this.move(null, 'submitted', `supplier:${s.uscc}`, at));
      await this.event(tx, application, 'application.submitted', {
        requested_amount: application.requestedAmountFen,
        consent_parts: application.consentParts,
        consent_expires_at: new Date(application.consentExpiresAt).toISOString(),
      });
    });
    return application;
  }

  async listForSupplier(s: SupplierPrincipal, before: { createdAt: number; id: string } | undefined, limit: number) {
    const rows = await this.deps.store.listApplications({ supplierUscc: s.uscc, before, limit: limit + 1 });
    return { items: rows.slice(0, limit), more: rows.length > limit };
  }

  private async supplierApplication(s: SupplierPrincipal, id: string): Promise<Application> {
    const a = await this.deps.store.getApplication(id);
    if (!a || a.supplierUscc !== s.uscc) throw applicationNotFound();
    return a;
  }

  /** Before disbursement: withdrawn if not yet approved, cancelled (reservation released) if approved. */
  async withdraw(s: SupplierPrincipal, id: string, reason: { code?: string; text?: string }): Promise<Application> {
    const a = await this.supplierApplication(s, id);
    const to: ApplicationStatus = ['submitted', 'under_review'].includes(a.status) ? 'withdrawn' : 'cancelled';
    if (to === 'cancelled' && !['approved', 'account_lock_pending', 'account_locked'].includes(a.status)) {
      throw invalidTransition(a.status, 'withdrawn');
    }
    const at = this.now();
    return this.apply(a, to, `supplier:${s.uscc}`, { consent_revoked_at: a.consentRevokedAt ?? at }, reason, async (tx) => {
      if (to === 'cancelled') await tx.release(a.id);
      await this.event(tx, a, 'application.withdrawn', { status: to });
    });
  }

  async revokeConsent(s: SupplierPrincipal, id: string): Promise<Application> {
    const a = await this.supplierApplication(s, id);
    if (a.consentRevokedAt !== null) return a;
    const at = this.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.update(a.id, { consent_revoked_at: at }, at);
      await this.event(tx, a, 'consent.revoked', {});
    });
    return { ...a, consentRevokedAt: at, updatedAt: at };
  }

  async dataAccessForSupplier(s: SupplierPrincipal, beforeId: number | undefined, limit: number) {
    const rows = await this.deps.store.listAccess({ supplierUscc: s.uscc, beforeId, limit: limit + 1 });
    return { items: rows.slice(0, limit), more: rows.length > limit };
  }

  // Banks

  async listForInstitution(
    p: InstitutionPrincipal,
    status: ApplicationStatus | undefined,
    before: { createdAt: number; id: string } | undefined,
    limit: number,
  ) {
    const rows = await this.deps.store.listApplications({ institutionId: p.institutionId, status, before, limit: limit + 1 });
    return { items: rows.slice(0, limit), more: rows.length > limit };
  }

  async getForInstitution(p: InstitutionPrincipal, id: string): Promise<{ application: Application; history: Transition[] }> {
    const a = await this.deps.store.getApplication(id);
    if (!a || a.institutionId !== p.institutionId) throw applicationNotFound();
    return { application: a, history: await this.deps.store.transitions(id) };
  }

  /** The stored transitions of an application the caller already holds. */
  history(id: string): Promise<Transition[]> {
    return this.deps.store.transitions(id);
  }

  /**
   * Reads one consented part of the contract's data, and audits the read. Every refusal — another bank's
   * application, a withdrawn one, a revoked or expired consent, a part not consented — is the same 404.
   */
  async readPart<T>(p: InstitutionPrincipal, id: string, part: ConsentPart, read: (contractNo: string) => Promise<T | undefined>): Promise<T> {
    const at = this.now();
    const a = await this.deps.store.getApplicationAccess(id);
    const live =
      a !== undefined &&
      a.institutionId === p.institutionId &&
      a.status !== 'withdrawn' &&
      a.consentRevokedAt === null &&
      a.consentExpiresAt > at &&
      a.consentParts.includes(part);
    if (!live) throw applicationNotFound();
    const data = await read(a.contractNo);
    if (data === undefined) throw applicationNotFound();
    await recordAccess(this.deps.store, {
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

  async startReview(p: InstitutionPrincipal, id: string, reason: { code?: string; text?: string }) {
    const a = await this.bankApplication(p, id);
    return this.apply(a, 'under_review', `institution:${p.institutionId}`, {}, reason);
  }

  async reject(p: InstitutionPrincipal, id: string, reasonCode: string, reasonText?: string) {
    const a = await this.bankApplication(p, id);
    return this.apply(a, 'rejected', `institution:${p.institutionId}`, { reason_code: reasonCode, decided_at: this.now() }, { code: reasonCode, text: reasonText }, (tx) =>
      this.event(tx, a, 'application.rejected', { reason_code: reasonCode }),
    );
  }

  /**
   * Approves: reserves the contract (one live financing; the second concurrent approval gets 409),
   * then asks the cloud to lock the collection account.
   */
  async approve(p: InstitutionPrincipal, id: string, d: Approval): Promise<Application> {
    const a = await this.bankApplication(p, id);
    if (!['submitted', 'under_review'].includes(a.status)) throw invalidTransition(a.status, 'approved');
    const contract = await this.deps.contracts.get(a.contractNo);
    const product = await this.deps.store.getProduct(a.productId);
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
    const at = this.now();
    const actor = `institution:${p.institutionId}`;
    try {
      await this.deps.store.transaction(async (tx) => {
        const moved = await tx.transition(
          a.id,
          ['submitted', 'under_review'],
          'approved',
          {
            approved_amount_fen: d.amountFen,
            annual_rate_bp: d.annualRateBp,
            term_days: d.termDays,
            account_bank_name: d.account.bankName,
            account_name: d.account.accountName,
            account_number: d.account.accountNumber,
            decided_at: at,
          },
          this.move(a.status, 'approved', actor, at),
        );
        if (!moved) throw await this.conflictNow(tx, a.id, 'approved');
        await tx.reserve(a.contractNo, a.id, at);
        await tx.transition(a.id, ['approved'], 'account_lock_pending', {}, this.move('approved', 'account_lock_pending', actor, at));
        await this.event(tx, a, 'application.approved', { amount: d.amountFen });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError('contract_already_financed', 'Another financing already holds this contract.');
      }
      throw err;
    }
    await this.requestLock(a.id);
    return (await this.deps.store.getApplication(a.id))!;
  }

  /** Relays the lock request; a cloud that cannot be reached leaves it pending for the poller. */
  private async requestLock(id: string): Promise<void> {
    const a = await this.deps.store.getApplication(id);
    if (!a || a.status !== 'account_lock_pending' || !a.account) return;
    let status: LockStatus;
    try {
      status = await this.deps.locks.request(a.contractNo, a.account, a.id);
    } catch (err) {
      this.deps.logger.warn({ err, application_id: a.id }, 'collection-account lock request failed; will retry');
      return;
    }
    await this.applyLock(a, status);
  }

  private async applyLock(a: Application, status: LockStatus): Promise<void> {
    const at = this.now();
    if (status.status === 'pending') {
      if (a.lockRef !== status.ref) await this.deps.store.update(a.id, { lock_ref: status.ref }, at);
      return;
    }
    await this.deps.store.transaction(async (tx) => {
      if (status.status === 'confirmed') {
        const moved = await tx.transition(a.id, ['account_lock_pending'], 'account_locked', { lock_ref: status.ref }, this.move('account_lock_pending', 'account_locked', 'cloud', at));
        if (moved) await this.event(tx, a, 'account_lock.confirmed', { lock_ref: status.ref });
      } else {
        const moved = await tx.transition(
          a.id,
          ['account_lock_pending'],
          'lock_failed',
          { lock_ref: status.ref, reason_code: 'lock_refused' },
          { ...this.move('account_lock_pending', 'lock_failed', 'cloud', at), reasonCode: 'lock_refused', reasonText: status.reason ?? null },
        );
        if (moved) {
          await tx.release(a.id);
          await this.event(tx, a, 'account_lock.failed', { reason: status.reason ?? 'refused' });
        }
      }
    });
  }

  /** Asks the cloud about every pending lock once; returns how many were looked at. */
  async pollLocks(limit = 100): Promise<number> {
    const pending = await this.deps.store.pendingLocks(limit);
    for (const a of pending) {
      if (!a.lockRef) {
        await this.requestLock(a.id);
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

  async disburse(p: InstitutionPrincipal, id: string, d: { loanNo: string; amountFen: number; on: string }) {
    const a = await this.bankApplication(p, id);
    if (a.status !== 'account_locked') throw invalidTransition(a.status, 'disbursed');
    if (d.amountFen > (a.approvedAmountFen ?? 0)) {
      throw new BusinessRuleError('amount_exceeds_approved', `At most ${a.approvedAmountFen} fen was approved.`);
    }
    const at = this.now();
    return this.apply(a, 'disbursed', `institution:${p.institutionId}`, { loan_no: d.loanNo, disbursed_fen: d.amountFen, disbursed_at: at }, {}, async (tx) => {
      await tx.insertDisbursement({ applicationId: a.id, loanNo: d.loanNo, amountFen: d.amountFen, on: d.on, at });
      await this.event(tx, a, 'financing.disbursed', { amount: d.amountFen, loan_no: d.loanNo });
    });
  }

  async repay(p: InstitutionPrincipal, id: string, r: { amountFen: number; on: string; reference?: string }) {
    const a = await this.bankApplication(p, id);
    if (!['disbursed', 'repaying', 'overdue', 'defaulted'].includes(a.status)) throw invalidTransition(a.status, 'repaying');
    const outstanding = a.disbursedFen - a.repaidFen;
    if (r.amountFen > outstanding) {
      throw new BusinessRuleError('amount_exceeds_outstanding', `Only ${outstanding} fen is outstanding.`, { outstanding });
    }
    const at = this.now();
    return this.apply(a, 'repaying', `institution:${p.institutionId}`, { repaid_fen: a.repaidFen + r.amountFen }, {}, (tx) =>
      tx.insertRepayment({ applicationId: a.id, amountFen: r.amountFen, on: r.on, reference: r.reference, at }),
    );
  }

  async settle(p: InstitutionPrincipal, id: string, s: { on: string; note?: string }) {
    const a = await this.bankApplication(p, id);
    if (!['disbursed', 'repaying', 'overdue', 'defaulted'].includes(a.status)) throw invalidTransition(a.status, 'settled');
    const outstanding = a.disbursedFen - a.repaidFen;
    if (outstanding > 0) {
      throw new BusinessRuleError('outstanding_balance', `${outstanding} fen is still outstanding; report the repayment first.`, { outstanding });
    }
    return this.apply(a, 'settled', `institution:${p.institutionId}`, { settled_at: this.now() }, { text: s.note }, async (tx) => {
      await tx.release(a.id);
      await this.event(tx, a, 'financing.settled', { settled_on: s.on });
    });
  }

  async markOverdue(p: InstitutionPrincipal, id: string, reason: { code?: string; text?: string }) {
    const a = await this.bankApplication(p, id);
    return this.apply(a, 'overdue', `institution:${p.institutionId}`, {}, reason);
  }

  async markDefaulted(p: InstitutionPrincipal, id: string, reason: { code?: string; text?: string }) {
    const a = await this.bankApplication(p, id);
    return this.apply(a, 'defaulted', `institution:${p.institutionId}`, {}, reason);
  }

  async cancel(p: InstitutionPrincipal, id: string, reason: { code?: string; text?: string }) {
    const a = await this.bankApplication(p, id);
    return this.apply(a, 'cancelled', `institution:${p.institutionId}`, {}, reason, async (tx) => {
      await tx.release(a.id);
      await this.event(tx, a, 'application.cancelled', {});
    });
  }

  // Bureaus

  private async bureauRegions(b: BureauPrincipal, region: string | undefined): Promise<string[]> {
    const subtree = await this.deps.regions.subtreeCodes(b.regionCode);
    if (region === undefined) return subtree;
    if (!subtree.includes(region)) throw new ForbiddenError('outside_subtree', 'The region is outside this bureau\'s subtree.');
    return this.deps.regions.subtreeCodes(region);
  }

  async listForBureau(
    b: BureauPrincipal,
    q: { status?: ApplicationStatus; region?: string; before?: { createdAt: number; id: string }; limit: number },
  ) {
    const regionCodes = await this.bureauRegions(b, q.region);
    const rows = await this.deps.store.listApplications({ regionCodes, status: q.status, before: q.before, limit: q.limit + 1 });
    return { items: rows.slice(0, q.limit), more: rows.length > q.limit };
  }

  async dataAccessForBureau(b: BureauPrincipal, beforeId: number | undefined, limit: number) {
    const regionCodes = await this.bureauRegions(b, undefined);
    const rows = await this.deps.store.listAccess({ regionCodes, beforeId, limit: limit + 1 });
    return { items: rows.slice(0, limit), more: rows.length > limit };
  }

  // Shared

  private move(from: ApplicationStatus | null, to: ApplicationStatus, actor: string, at: number): Transition {
    return { from, to, actor, reasonCode: null, reasonText: null, at };
  }

  private async conflictNow(tx: KnexFinancingStore, id: string, to: ApplicationStatus) {
    const now = await tx.getApplication(id);
    return invalidTransition(now?.status ?? 'submitted', to);
  }

  /** One checked transition with its side effects, in one transaction. */
  private async apply(
    a: Application,
    to: ApplicationStatus,
    actor: string,
    changes: ApplicationChanges,
    reason: { code?: string; text?: string },
    effects?: (tx: KnexFinancingStore) => Promise<void>,
  ): Promise<Application> {
    const from = statusesLeadingTo(to);
    if (!from.includes(a.status)) throw invalidTransition(a.status, to);
    const at = this.now();
    await this.deps.store.transaction(async (tx) => {
      const moved = await tx.transition(a.id, [a.status], to, changes, {
        from: a.status,
        to,
        actor,
        reasonCode: reason.code ?? null,
        reasonText: reason.text ?? null,
        at,
      });
      if (!moved) throw await this.conflictNow(tx, a.id, to);
      await effects?.(tx);
    });
    return (await this.deps.store.getApplication(a.id))!;
  }

  private event(tx: KnexFinancingStore, a: Application, type: string, payload: Record<string, unknown>) {
    return this.deps.events.record(tx.db, {
      type,
      contractNo: a.contractNo,
      applicationId: a.id,
      institutionId: a.institutionId,
      payload: { application_id: a.id, contract_no: a.contractNo, ...payload },
    });
  }
}
