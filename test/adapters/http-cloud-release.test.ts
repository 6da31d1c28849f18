import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpProcurementCloud } from '../../adapters/http/http-cloud.js';
import { CloudProtocolError, CloudUnavailableError } from '../../adapters/procurement-cloud.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { ApplicationService } from '../../src/features/financing/applications-service.js';
import { CloudLockRelay } from '../../src/features/financing/cloud-lock-relay.js';
import type { Product } from '../../src/features/financing/financing-store.js';
import type { AccountLockRelay } from '../../src/features/financing/ports.js';
import { RegionService } from '../../src/features/regions/regions-service.js';
import type { InstitutionPrincipal, SupplierPrincipal } from '../../src/http/principal.js';
import { createLogger } from '../../src/logger.js';
import { FakeFinancingStore } from '../fakes/fake-financing-store.js';
import { FakeAccessLog, FakeContractSource, FakeEventRecorder, FakeInstitutionDirectory } from '../fakes/fake-financing-ports.js';
import { FakeRegionStore } from '../fakes/fake-region-store.js';
import { fakeTransactional } from '../fakes/fake-transactional.js';

// The release of a collection account through the HTTP adapter: asked once when the financing ends, then again
// by the poller through a 503 and a timeout until the cloud answers RELEASED; the state shows it meanwhile.

const BASE = 'http://cloud.test';
const CREDENTIAL = 'release-test-credential-0001';
const CONTRACT = 'NMZC-HT-0000042';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => nock.cleanAll());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every interceptor was used').toEqual([]);
});

const api = () => nock(BASE).matchHeader('authorization', `Bearer ${CREDENTIAL}`);
// A generous deadline: the machine is shared, and only the delayed answer below is meant to miss it.
const cloud = () => new HttpProcurementCloud({ baseUrl: BASE, credential: CREDENTIAL, timeoutMs: 1_000, retries: 2, sleep: async () => undefined });

describe('releaseCollectionAccount over HTTP', () => {
  it('posts the release once per call, reads RELEASED and PENDING, and turns failures into the adapter’s errors', async () => {
    const body = { contractCode: CONTRACT, financingRef: 'FIN-1' };
    api().post('/v1/collection-account-changes/ZH-1/release', body).reply(200, { changeRef: 'ZH-1', contractCode: CONTRACT, status: 'PENDING' });
    api().post('/v1/collection-account-changes/ZH-1/release', body).reply(200, { changeRef: 'ZH-1', contractCode: CONTRACT, status: 'RELEASED' });
    api().post('/v1/collection-account-changes/ZH-1/release').reply(503);
    api().post('/v1/collection-account-changes/ZH-1/release').reply(200, { changeRef: 'ZH-1', status: 'DONE' });
    const c = cloud();
    expect(await c.releaseCollectionAccount(CONTRACT, 'ZH-1', 'FIN-1')).toEqual({ changeRef: 'ZH-1', contractNo: CONTRACT, status: 'pending' });
    expect(await c.releaseCollectionAccount(CONTRACT, 'ZH-1', 'FIN-1')).toEqual({ changeRef: 'ZH-1', contractNo: CONTRACT, status: 'released' });
    // Not retried inside the call (the 503 interceptor is used once): the financing service asks again.
    await expect(c.releaseCollectionAccount(CONTRACT, 'ZH-1', 'FIN-1')).rejects.toBeInstanceOf(CloudUnavailableError);
    await expect(c.releaseCollectionAccount(CONTRACT, 'ZH-1', 'FIN-1')).rejects.toBeInstanceOf(CloudProtocolError);
  });
});

describe('a settled financing’s account release, retried through cloud failures', () => {
  it('stays account_release_pending through a 503 and a timeout, and is account_released after the 200', async () => {
    const DAY = 86_400_000;
    const now = Date.parse('2026-06-01T08:00:00.000Z');
    const sme: SupplierPrincipal = { kind: 'supplier', uscc: withUsccCheck('91150100MA0C00001'), name: '供应商' };
    const bank: InstitutionPrincipal = { kind: 'institution', clientId: 'ins_a', institutionId: 'ins_a', scopes: ['institution'] };
    const contracts = new FakeContractSource();
    const store = new FakeFinancingStore(contracts);
    const events = new FakeEventRecorder();
    const institutions = new FakeInstitutionDirectory();
    const http = cloud();
    const relay = new CloudLockRelay(http);
    // The lock itself goes through a fake relay answer: this test is about the release.
    const locks: AccountLockRelay = {
      request: async () => ({ ref: 'ZH-7', status: 'confirmed' }),
      status: (ref) => relay.status(ref),
      release: (contractNo, lockRef, financingRef) => relay.release(contractNo, lockRef, financingRef),
    };
    const service = new ApplicationService({
      store,
      transactional: fakeTransactional({ store, events }, [store, events]),
      regions: new RegionService(new FakeRegionStore()),
      contracts,
      institutions,
      accessLog: new FakeAccessLog(),
      locks,
      logger: createLogger('silent'),
      clock: () => new Date(now),
    });
    institutions.add({ id: 'ins_a', name: '测试银行', status: 'active', coverage: ['150000'] });
    const product: Product = {
      id: 'p-a', institutionId: 'ins_a', name: '政采贷', maxAmountFen: 50_000_000, maxShareBp: 8000, rateMinBp: 300, rateMaxBp: 900,
      termMinDays: 30, termMaxDays: 365, categories: ['goods'], regions: ['150000'], feeBp: 0, decideDays: null, disburseDays: null, requirements: null, status: 'approved', reviewReason: null, createdAt: now, updatedAt: now,
    };
    await store.insertProduct(product);
    contracts.contracts.set(CONTRACT, {
      contractNo: CONTRACT, projectNo: 'P', purchaserName: '呼和浩特市第一中学', purchaserRegionCode: '150102', supplierUscc: sme.uscc, supplierName: sme.name,
      supplierIsSme: true, category: 'goods', amountFen: 10_000_000, paidFen: 0, status: 'active', signedOn: '2026-03-01', procurementMethod: 'open_tender',
      paymentTerms: {}, blockingRiskFlag: false,
    });
    const a = await service.create(sme, { contractNo: CONTRACT, productId: 'p-a', requestedAmountFen: 1_000_000, parts: ['contract'], expiresAt: now + 30 * DAY });
    await service.approve(bank, a.id, { amountFen: 1_000_000, annualRateBp: 450, termDays: 180, account: { bankName: 'b', accountName: 'n', accountNumber: '62220202001122' } });
    await service.disburse(bank, a.id, { loanNo: 'L-1', amountFen: 1_000_000, on: '2026-06-02' });
    await service.repay(bank, a.id, { amountFen: 1_000_000, on: '2026-09-01' });

    const path = '/v1/collection-account-changes/ZH-7/release';
    const body = { contractCode: CONTRACT, financingRef: a.id };
    api().post(path, body).reply(503, { error: 'maintenance' });
    api().post(path, body).delay(2_500).reply(200, { changeRef: 'ZH-7', contractCode: CONTRACT, status: 'RELEASED' });
    api().post(path, body).reply(200, { changeRef: 'ZH-7', contractCode: CONTRACT, status: 'RELEASED' });

    const settled = await service.settle(bank, a.id, { on: '2026-09-01' });
    expect(settled).toMatchObject({ status: 'settled', accountRelease: 'account_release_pending' });
    expect(await service.pollReleases()).toBe(1); // the timeout
    expect((await store.getApplication(a.id))!.accountRelease).toBe('account_release_pending');
    expect(await service.pollReleases()).toBe(1); // the 200
    expect((await store.getApplication(a.id))!).toMatchObject({ accountRelease: 'account_released', accountReleasedAt: now });
    expect(await service.pollReleases()).toBe(0);
  });
});
