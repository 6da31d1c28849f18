import { beforeEach, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { ApplicationService, type ApplicationInput, type Approval } from '../../src/features/financing/applications-service.js';
import type { FinancingContract } from '../../src/features/financing/ports.js';
import type { Product } from '../../src/features/financing/financing-store.js';
import { RegionService } from '../../src/features/regions/regions-service.js';
import { NO_RULES } from '../../src/features/policy/policy-store.js';
import type { InstitutionPrincipal, SupplierPrincipal } from '../../src/http/principal.js';
import { createLogger } from '../../src/logger.js';
import { FakeFinancingStore } from '../fakes/fake-financing-store.js';
import { FakeAccessLog, FakeContractSource, FakeEventRecorder, FakeInstitutionDirectory, FakeLockRelay } from '../fakes/fake-financing-ports.js';
import { FakeRegionStore } from '../fakes/fake-region-store.js';
import { fakeTransactional } from '../fakes/fake-transactional.js';

// ApplicationService on in-memory fakes of its stores and ports: the lifecycle rules, who may see what, what is
// recorded and audited. No database; the HTTP tests cover the same operations through the real stack.

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T08:00:00.000Z');

const sme = (n: number): SupplierPrincipal => ({ kind: 'supplier', uscc: withUsccCheck(`91150100MA0C${String(n).padStart(5, '0')}`), name: `供应商${n}` });
const bank = (id: string): InstitutionPrincipal => ({ kind: 'institution', clientId: id, institutionId: id, scopes: ['institution'] });

const SME = sme(1);
const OTHER_SME = sme(2);
const BANK = bank('ins_bank_a');
const OTHER_BANK = bank('ins_bank_b');

function contract(no: string, o: Partial<FinancingContract> = {}): FinancingContract {
  return {
    contractNo: no,
    projectNo: `P-${no}`,
    purchaserName: '呼和浩特市第一中学',
    purchaserRegionCode: '150102',
    supplierUscc: SME.uscc,
    supplierName: SME.name,
    supplierIsSme: true,
    category: 'goods',
    amountFen: 10_000_000,
    paidFen: 2_000_000,
    status: 'active',
    signedOn: '2026-03-01',
    procurementMethod: 'open_tender',
    paymentTerms: {},
    blockingRiskFlag: false,
    ...o,
  };
}

function product(id: string, institutionId: string, o: Partial<Product> = {}): Product {
  return {
    id,
    institutionId,
    name: '政采贷',
    maxAmountFen: 50_000_000,
    maxShareBp: 8000,
    rateMinBp: 300,
    rateMaxBp: 900,
    termMinDays: 30,
    termMaxDays: 365,
    categories: ['goods', 'services'],
    regions: ['150000'],
    feeBp: 0,
    decideDays: null,
    disburseDays: null,
    requirements: null,
    status: 'approved',
    reviewReason: null,
    createdAt: T0 - DAY,
    updatedAt: T0 - DAY,
    ...o,
  };
}

const approval = (amountFen = 1_000_000): Approval => ({
  amountFen,
  annualRateBp: 450,
  termDays: 180,
  account: { bankName: '测试银行呼和浩特分行', accountName: '回款专户', accountNumber: '6222020200112233445' },
});

let now: number;
let store: FakeFinancingStore;
let events: FakeEventRecorder;
let contracts: FakeContractSource;
let institutions: FakeInstitutionDirectory;
let accessLog: FakeAccessLog;
let locks: FakeLockRelay;
let service: ApplicationService;

beforeEach(async () => {
  now = T0;
  contracts = new FakeContractSource();
  store = new FakeFinancingStore(contracts);
  events = new FakeEventRecorder();
  institutions = new FakeInstitutionDirectory();
  accessLog = new FakeAccessLog();
  locks = new FakeLockRelay();
  service = new ApplicationService({
    store,
    transactional: fakeTransactional({ store, events }, [store, events]),
    regions: new RegionService(new FakeRegionStore()),
    contracts,
    institutions,
    accessLog,
    locks,
    logger: createLogger('silent'),
    clock: () => new Date(now),
  });
  institutions.add({ id: BANK.institutionId, name: '内蒙古测试银行', status: 'active', coverage: ['150000'] });
  institutions.add({ id: OTHER_BANK.institutionId, name: '另一家银行', status: 'active', coverage: ['150000'] });
  await store.insertProduct(product('p-a', BANK.institutionId));
  await store.insertProduct(product('p-b', OTHER_BANK.institutionId));
  for (const no of ['HT-1', 'HT-2']) contracts.contracts.set(no, contract(no));
  contracts.contracts.set('HT-OTHER', contract('HT-OTHER', { supplierUscc: OTHER_SME.uscc }));
});

const apply = (o: Partial<ApplicationInput> = {}, who = SME) =>
  service.create(who, { contractNo: 'HT-1', productId: 'p-a', requestedAmountFen: 1_000_000, parts: ['payments', 'contract'], expiresAt: now + 30 * DAY, ...o });

/** An error's HTTP status and stable code, as the error middleware would answer. */
const refusal = (p: Promise<unknown>) => p.then(() => ({ status: 200, code: 'none' }), (e: { status?: number; code?: string }) => ({ status: e.status, code: e.code }));

describe('createApplication checks the one product it is given', () => {
  it('submits, grants the consent to that product’s institution, and answers with the view the route sends', async () => {
    const a = await apply();
    expect(a).toMatchObject({
      status: 'submitted',
      institutionId: BANK.institutionId,
      institutionName: '内蒙古测试银行',
      consentParts: ['contract', 'payments'],
      consentLive: true,
      supplierName: SME.name,
      purchaserRegionCode: '150102',
    });
    expect(await store.transitions(a.id)).toEqual([{ from: null, to: 'submitted', actor: `supplier:${SME.uscc}`, reasonCode: null, reasonText: null, at: T0 }]);
    expect(events.events).toEqual([
      {
        type: 'application.submitted',
        contractNo: 'HT-1',
        applicationId: a.id,
        institutionId: BANK.institutionId,
        data: { application_id: a.id, contract_no: 'HT-1', requested_amount: 1_000_000, consent_parts: ['contract', 'payments'], consent_expires_at: new Date(now + 30 * DAY).toISOString() },
      },
    ]);
  });

  it('refuses a product that does not serve the contract, for each reason, with 422 product_not_offered', async () => {
    await store.insertProduct(product('p-pending', BANK.institutionId, { status: 'pending' }));
    await store.insertProduct(product('p-works', BANK.institutionId, { categories: ['works'] }));
    await store.insertProduct(product('p-baotou', BANK.institutionId, { regions: ['150200'] }));
    institutions.add({ id: 'ins_suspended', name: '暂停银行', status: 'suspended', coverage: ['150000'] });
    await store.insertProduct(product('p-suspended', 'ins_suspended'));
    for (const productId of ['p-pending', 'p-works', 'p-baotou', 'p-suspended', 'p-none']) {
      expect(await refusal(apply({ productId }))).toEqual({ status: 422, code: 'product_not_offered' });
    }
    expect(store.state.applications.size).toBe(0);
    expect(events.events).toEqual([]);
  });

  it('caps the amount at the product’s share of the unpaid balance', async () => {
    // 80 % of the 8,000,000 fen unpaid.
    const err = await apply({ requestedAmountFen: 6_400_001 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, code: 'amount_exceeds_limit', extra: { max_amount: 6_400_000 } });
    expect((await apply({ requestedAmountFen: 6_400_000 })).requestedAmountFen).toBe(6_400_000);
  });

  it('refuses a contract that cannot be financed now, naming why, before looking at the product', async () => {
    contracts.contracts.set('HT-1', contract('HT-1', { status: 'terminated', blockingRiskFlag: true }));
    const err = await apply({ productId: 'p-none' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'contract_not_financeable', extra: { reasons: ['terminated', 'risk_flag'] } });
  });

  it('refuses a second open application for the same contract and product, and a consent that ends too late or already', async () => {
    await apply();
    expect(await refusal(apply())).toEqual({ status: 409, code: 'duplicate_application' });
    expect(await refusal(apply({ expiresAt: now + 367 * DAY }))).toEqual({ status: 422, code: 'invalid_consent_expiry' });
    expect(await refusal(apply({ expiresAt: now }))).toEqual({ status: 422, code: 'invalid_consent_expiry' });
  });

  it('treats another supplier’s contract as not found', async () => {
    expect(await refusal(apply({ contractNo: 'HT-OTHER' }))).toEqual({ status: 404, code: 'contract_not_found' });
    expect(await refusal(apply({ contractNo: 'HT-NONE' }))).toEqual({ status: 404, code: 'contract_not_found' });
  });
});

describe('the lifecycle', () => {
  it('runs from submission to settlement, each move stored with who, and the reservation held then released', async () => {
    const a = await apply();
    await service.startReview(BANK, a.id, { code: 'documents_received' });
    const approved = await service.approve(BANK, a.id, approval());
    expect(approved).toMatchObject({ status: 'account_locked', approvedAmountFen: 1_000_000, lockRef: 'LOCK-1', institutionName: '内蒙古测试银行' });
    expect(approved.history.map((t) => [t.from, t.to, t.actor])).toEqual([
      [null, 'submitted', `supplier:${SME.uscc}`],
      ['submitted', 'under_review', `institution:${BANK.institutionId}`],
      ['under_review', 'approved', `institution:${BANK.institutionId}`],
      ['approved', 'account_lock_pending', `institution:${BANK.institutionId}`],
      ['account_lock_pending', 'account_locked', 'cloud'],
    ]);
    expect(locks.requests).toEqual([{ contractNo: 'HT-1', account: approval().account, financingRef: a.id }]);
    expect(store.state.reservations.get('HT-1')).toBe(a.id);

    const disbursed = await service.disburse(BANK, a.id, { loanNo: 'L-1', amountFen: 1_000_000, on: '2026-06-02' });
    expect(disbursed).toMatchObject({ status: 'disbursed', disbursedFen: 1_000_000, loanNo: 'L-1' });
    expect(await refusal(service.settle(BANK, a.id, { on: '2026-06-03' }))).toEqual({ status: 422, code: 'outstanding_balance' });
    expect(await refusal(service.repay(BANK, a.id, { amountFen: 1_000_001, on: '2026-06-03' }))).toEqual({ status: 422, code: 'amount_exceeds_outstanding' });
    await service.repay(BANK, a.id, { amountFen: 1_000_000, on: '2026-06-03' });
    const settled = await service.settle(BANK, a.id, { on: '2026-06-04', note: '结清' });
    expect(settled.status).toBe('settled');
    expect(store.state.reservations.has('HT-1')).toBe(false);
    expect(events.events.map((e) => e.type)).toEqual([
      'application.submitted',
      'application.approved',
      'account_lock.confirmed',
      'financing.disbursed',
      'financing.settled',
    ]);
  });

  it('answers a move the state does not allow with 409 invalid_state naming the state, and changes nothing', async () => {
    const a = await apply();
    const err = await service.disburse(BANK, a.id, { loanNo: 'L-1', amountFen: 1, on: '2026-06-02' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'invalid_state', extra: { state: 'submitted' } });
    await service.reject(BANK, a.id, 'credit_insufficient', '额度不足');
    expect(await refusal(service.approve(BANK, a.id, approval()))).toEqual({ status: 409, code: 'invalid_state' });
    expect(await refusal(service.startReview(BANK, a.id, {}))).toEqual({ status: 409, code: 'invalid_state' });
    expect((await store.getApplication(a.id))!).toMatchObject({ status: 'rejected', reasonCode: 'credit_insufficient', decidedAt: T0 });
  });

  it('withdraws before approval, cancels after it (releasing the contract), and never after disbursement', async () => {
    const a = await apply();
    const withdrawn = await service.withdraw(SME, a.id, { text: '不需要了' });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', consentRevokedAt: T0, consentLive: false });

    const b = await apply({ contractNo: 'HT-2' });
    locks.answer = 'pending';
    await service.approve(BANK, b.id, approval());
    expect(store.state.reservations.get('HT-2')).toBe(b.id);
    expect((await service.withdraw(SME, b.id, {})).status).toBe('cancelled');
    expect(store.state.reservations.has('HT-2')).toBe(false);
    expect(events.events.filter((e) => e.type === 'application.withdrawn').map((e) => e.data.status)).toEqual(['withdrawn', 'cancelled']);
  });

  it('fails the lock when the cloud refuses it, and releases the contract', async () => {
    const a = await apply();
    locks.answer = 'refused';
    const refused = await service.approve(BANK, a.id, approval());
    expect(refused).toMatchObject({ status: 'lock_failed', reasonCode: 'lock_refused' });
    expect(refused.history.at(-1)).toMatchObject({ to: 'lock_failed', actor: 'cloud', reasonCode: 'lock_refused', reasonText: 'account_frozen' });
    expect(store.state.reservations.size).toBe(0);
  });

  it('leaves the lock pending when the cloud cannot be reached; the poller moves it on when the cloud confirms', async () => {
    const a = await apply();
    locks.answer = 'unreachable';
    expect((await service.approve(BANK, a.id, approval())).status).toBe('account_lock_pending');
    locks.answer = 'pending';
    expect(await service.pollLocks()).toBe(1);
    const pending = (await store.getApplication(a.id))!;
    expect(pending).toMatchObject({ status: 'account_lock_pending', lockRef: 'LOCK-1' });
    locks.statusOf.set('LOCK-1', { ref: 'LOCK-1', status: 'confirmed' });
    await service.pollLocks();
    expect((await store.getApplication(a.id))!.status).toBe('account_locked');
  });
});

describe('one live financing per contract', () => {
  it('refuses the second approval on a contract with 409 contract_already_financed, and rolls it back whole', async () => {
    const first = await apply();
    const second = await apply({ productId: 'p-b' });
    // While the first lock is pending the second application is still open (a confirmed lock supersedes it).
    locks.answer = 'pending';
    await service.approve(BANK, first.id, approval());
    const eventsBefore = events.events.length;
    expect(await refusal(service.approve(OTHER_BANK, second.id, approval()))).toEqual({ status: 409, code: 'contract_already_financed' });
    // The approval's transition went with the refused reservation: the second application is as it was.
    expect(await store.getApplication(second.id)).toMatchObject({ status: 'submitted', approvedAmountFen: null, account: null });
    expect(await store.transitions(second.id)).toHaveLength(1);
    expect(events.events).toHaveLength(eventsBefore);
    expect(store.state.reservations.get('HT-1')).toBe(first.id);
  });

  it('supersedes the other open applications once the lock is confirmed: consent ended, banks told, reads refused', async () => {
    const first = await apply();
    const second = await apply({ productId: 'p-b' });
    await service.startReview(OTHER_BANK, second.id, {});
    locks.answer = 'pending';
    await service.approve(BANK, first.id, approval());
    expect((await store.getApplication(second.id))!.status).toBe('under_review');
    locks.statusOf.set('LOCK-1', { ref: 'LOCK-1', status: 'confirmed' });
    await service.pollLocks();
    const loser = (await store.getApplication(second.id))!;
    expect(loser).toMatchObject({ status: 'superseded', reasonCode: 'contract_financed' });
    expect(loser.consentRevokedAt).not.toBeNull();
    expect(events.events.filter((e) => e.type === 'application.superseded').map((e) => e.institutionId)).toEqual([OTHER_BANK.institutionId]);
    expect(await refusal(service.readPart(OTHER_BANK, second.id, 'contract'))).toEqual({ status: 404, code: 'application_not_found' });
    expect(await refusal(service.approve(OTHER_BANK, second.id, approval()))).toEqual({ status: 409, code: 'contract_already_financed' });
  });

  it('asks the cloud to release the account when a locked financing is cancelled, again until it confirms', async () => {
    const a = await apply();
    await service.approve(BANK, a.id, approval());
    locks.releaseAnswers = ['fail', 'fail'];
    const cancelled = await service.cancel(BANK, a.id, {});
    expect(cancelled).toMatchObject({ status: 'cancelled', accountRelease: 'account_release_pending' });
    expect(await service.pollReleases()).toBe(1);
    expect((await store.getApplication(a.id))!.accountRelease).toBe('account_release_pending');
    await service.pollReleases();
    const released = (await store.getApplication(a.id))!;
    expect(released.accountRelease).toBe('account_released');
    expect(released.accountReleasedAt).not.toBeNull();
    expect(locks.releases).toHaveLength(3);
    expect(locks.releases[0]).toEqual({ contractNo: 'HT-1', lockRef: 'LOCK-1', financingRef: a.id });
    expect(await service.pollReleases()).toBe(0);
  });

  it('owes no release for an application that never asked for a lock', async () => {
    const a = await apply();
    const withdrawn = await service.withdraw(SME, a.id, {});
    expect(withdrawn.accountRelease).toBeNull();
    expect(locks.releases).toHaveLength(0);
  });

  it('shows the reserved contract as not financeable to its supplier', async () => {
    const a = await apply();
    await service.approve(BANK, a.id, approval());
    const page = await service.listSupplierContracts(SME, undefined, 10);
    expect(page.items.map((c) => [c.contractNo, c.reasons])).toEqual([
      ['HT-1', ['live_financing']],
      ['HT-2', []],
    ]);
  });
});

describe('ownership: every refusal is the same 404', () => {
  it('hides another bank’s application from every bank operation', async () => {
    const a = await apply();
    for (const call of [
      () => service.getForInstitution(OTHER_BANK, a.id),
      () => service.readPart(OTHER_BANK, a.id, 'contract'),
      () => service.startReview(OTHER_BANK, a.id, {}),
      () => service.approve(OTHER_BANK, a.id, approval()),
      () => service.reject(OTHER_BANK, a.id, 'other'),
      () => service.cancel(OTHER_BANK, a.id, {}),
      () => service.getForInstitution(BANK, 'no-such-id'),
    ]) {
      expect(await refusal(call())).toEqual({ status: 404, code: 'application_not_found' });
    }
    expect((await store.getApplication(a.id))!.status).toBe('submitted');
    expect(accessLog.entries).toEqual([]);
  });

  it('hides another supplier’s application from withdrawal and revocation', async () => {
    const a = await apply();
    expect(await refusal(service.withdraw(OTHER_SME, a.id, {}))).toEqual({ status: 404, code: 'application_not_found' });
    expect(await refusal(service.revokeConsent(OTHER_SME, a.id))).toEqual({ status: 404, code: 'application_not_found' });
    expect((await service.listForSupplier(OTHER_SME, undefined, 10)).items).toEqual([]);
  });

  it('lists to a bank only what was addressed to it, newest first, a page at a time', async () => {
    const a = await apply();
    now += 1000;
    const b = await apply({ contractNo: 'HT-2' });
    now += 1000;
    await apply({ productId: 'p-b' });
    const first = await service.listForInstitution(BANK, undefined, undefined, 1);
    expect(first).toMatchObject({ more: true, items: [{ id: b.id, institutionName: '内蒙古测试银行' }] });
    const second = await service.listForInstitution(BANK, undefined, { createdAt: b.createdAt, id: b.id }, 1);
    expect(second).toMatchObject({ more: false, items: [{ id: a.id }] });
  });
});

describe('consent decides every read of contract data, and every read is audited', () => {
  it('serves a consented part and logs exactly that read', async () => {
    contracts.paymentRows.set('HT-1', [{ id: 'PAY-1', paidOn: '2026-05-01', amountFen: 2_000_000 }]);
    const a = await apply();
    now += 60_000;
    expect(await service.readPart(BANK, a.id, 'payments')).toEqual({ items: [{ id: 'PAY-1', paidOn: '2026-05-01', amountFen: 2_000_000 }], paidFen: 2_000_000, unpaidFen: 8_000_000 });
    expect((await service.readPart(BANK, a.id, 'contract')).contractNo).toBe('HT-1');
    expect(accessLog.entries).toEqual([
      { id: 1, at: T0 + 60_000, institutionId: BANK.institutionId, applicationId: a.id, contractNo: 'HT-1', supplierUscc: SME.uscc, purchaserRegionCode: '150102', part: 'payments', consentExpiresAt: a.consentExpiresAt },
      { id: 2, at: T0 + 60_000, institutionId: BANK.institutionId, applicationId: a.id, contractNo: 'HT-1', supplierUscc: SME.uscc, purchaserRegionCode: '150102', part: 'contract', consentExpiresAt: a.consentExpiresAt },
    ]);
    const seen = await service.dataAccessForSupplier(SME, undefined, 10);
    expect(seen.items.map((e) => [e.part, e.institutionName])).toEqual([
      ['contract', '内蒙古测试银行'],
      ['payments', '内蒙古测试银行'],
    ]);
  });

  it('answers 404 and logs nothing when the contract is gone from the sync, even with a live consent', async () => {
    const a = await apply();
    contracts.contracts.delete('HT-1');
    expect(await refusal(service.readPart(BANK, a.id, 'contract'))).toEqual({ status: 404, code: 'application_not_found' });
    expect(await refusal(service.readPart(BANK, a.id, 'payments'))).toEqual({ status: 404, code: 'application_not_found' });
    expect(accessLog.entries).toEqual([]);
  });

  it('refuses a part not consented, a revoked consent, an expired one and a withdrawn application, logging none', async () => {
    const a = await apply();
    expect(await refusal(service.readPart(BANK, a.id, 'risk_flags'))).toEqual({ status: 404, code: 'application_not_found' });

    const revoked = await apply({ contractNo: 'HT-2' });
    const after = await service.revokeConsent(SME, revoked.id);
    expect(after).toMatchObject({ consentRevokedAt: T0, consentLive: false });
    expect(events.events.at(-1)).toMatchObject({ type: 'consent.revoked', applicationId: revoked.id });
    expect(await refusal(service.readPart(BANK, revoked.id, 'contract'))).toEqual({ status: 404, code: 'application_not_found' });

    contracts.contracts.set('HT-3', contract('HT-3'));
    const withdrawn = await apply({ contractNo: 'HT-3' });
    await service.withdraw(SME, withdrawn.id, {});
    expect(await refusal(service.readPart(BANK, withdrawn.id, 'contract'))).toEqual({ status: 404, code: 'application_not_found' });

    now += 31 * DAY;
    expect(await refusal(service.readPart(BANK, a.id, 'contract'))).toEqual({ status: 404, code: 'application_not_found' });
    expect((await service.getForInstitution(BANK, a.id)).consentLive).toBe(false);
    expect(accessLog.entries).toEqual([]);
  });

  it('revokes once: a second revocation records no second event', async () => {
    const a = await apply();
    await service.revokeConsent(SME, a.id);
    now += 1000;
    expect((await service.revokeConsent(SME, a.id)).consentRevokedAt).toBe(T0);
    expect(events.events.filter((e) => e.type === 'consent.revoked')).toHaveLength(1);
  });
});

describe('offers', () => {
  it('lists the approved products of active institutions that serve the contract, the largest loan first', async () => {
    await store.insertProduct(product('p-small', BANK.institutionId, { maxAmountFen: 100_000 }));
    await store.insertProduct(product('p-pending', BANK.institutionId, { status: 'pending' }));
    const { contract: c, offers } = await service.offers(SME, 'HT-1');
    expect(c).toMatchObject({ unpaidFen: 8_000_000, reasons: [] });
    expect(offers.map((o) => [o.product.id, o.maxLoanFen, o.institutionName])).toEqual([
      ['p-a', 6_400_000, '内蒙古测试银行'],
      ['p-b', 6_400_000, '另一家银行'],
      ['p-small', 100_000, '内蒙古测试银行'],
    ]);
  });
});

describe('policy deadlines on the working-day calendar', () => {
  it('counts the National Day week out of a 2-working-day decision and records the breach once', async () => {
    const decideDays = 2;
    const policy = {
      effective: async (regionCode: string) => ({ regionCode, rules: { ...NO_RULES, decideDays, disburseDays: 3 }, inheritedFrom: {} }),
      enforce: async () => undefined,
    };
    service = new ApplicationService({
      store,
      transactional: fakeTransactional({ store, events }, [store, events]),
      regions: new RegionService(new FakeRegionStore()),
      contracts,
      institutions,
      accessLog,
      locks,
      logger: createLogger('silent'),
      policy,
      clock: () => new Date(now),
    });
    // Wednesday 30 September 2026, 10:00 in Beijing; 1–7 October are holidays, 8 and 9 October working days.
    now = Date.parse('2026-09-30T02:00:00Z');
    const a = await apply({ expiresAt: now + 60 * DAY });
    // Two calendar days later, and even on the holiday's last day, nothing is late.
    for (const at of ['2026-10-02T12:00:00Z', '2026-10-07T15:00:00Z', '2026-10-09T15:59:59Z']) {
      now = Date.parse(at);
      expect(await service.sweepDeadlines(), at).toBe(0);
    }
    now = Date.parse('2026-10-09T16:00:01Z'); // past 24:00 on Friday 9 October, Beijing time
    expect(await service.sweepDeadlines()).toBe(1);
    expect(store.breaches).toEqual([
      { applicationId: a.id, deadline: 'decide', institutionId: BANK.institutionId, regionCode: '150102', workingDays: 2, dueAt: Date.parse('2026-10-09T16:00:00Z'), recordedAt: now },
    ]);
    expect(events.events.filter((e) => e.type === 'application.deadline_missed').map((e) => e.data)).toEqual([
      { application_id: a.id, contract_no: 'HT-1', deadline: 'decide', working_days: 2, due_at: '2026-10-09T16:00:00.000Z', region_code: '150102' },
    ]);
    expect(await service.sweepDeadlines()).toBe(0);
    // Approved late (on Saturday 10 October, a make-up working day), it has 3 working days after that day to
    // disburse: Monday 12, Tuesday 13 and Wednesday 14 October.
    await service.approve(BANK, a.id, approval());
    now = Date.parse('2026-10-14T15:59:59Z');
    expect(await service.sweepDeadlines()).toBe(0);
    now = Date.parse('2026-10-14T16:00:01Z');
    expect(await service.sweepDeadlines()).toBe(1);
    expect(store.breaches.at(-1)).toMatchObject({ deadline: 'disburse', dueAt: Date.parse('2026-10-14T16:00:00Z') });
  });
});
