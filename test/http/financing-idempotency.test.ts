import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { approval, consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { IdempotencyStore, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS } from '../../src/http/idempotency.js';
import { testDatabaseKind } from '../helpers/db.js';

let w: FinancingWorld;
let targets: { contractNo: string; uscc: string; unpaid: number }[];
beforeAll(async () => {
  w = await financingWorld();
  targets = await w.financeable(3);
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const count = async (table: string) => Number((await w.gw.db(table).count({ n: '*' }))[0]!.n);

describe(`Idempotency-Key on ${testDatabaseKind}`, () => {
  it('replays the first answer for the same key and body, refuses another body with 422', async () => {
    const sme = { ...(await w.supplier(targets[0]!.uscc)), 'idempotency-key': 'apply-0001' };
    const body = { contract_no: targets[0]!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) };
    const first = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(first.status).toBe(201);
    const applications = await count('applications');
    const retry = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('applications')).toBe(applications);

    const other = await w.gw.client.post('/api/v1/supplier/applications', { ...body, requested_amount: 2_000_000 }, { headers: sme });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await count('applications')).toBe(applications);
  });

  it('refuses a second open application for the same contract and product without a key, with 409', async () => {
    const [t] = await w.financeable(1);
    const sme = await w.supplier(t!.uscc);
    const body = { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) };
    expect((await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme })).status).toBe(201);
    const applications = await count('applications');
    const again = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('duplicate_application');
    expect(await count('applications')).toBe(applications);
  });

  it('replays a bank decision instead of answering 409 for the second try, per client', async () => {
    const sme = await w.supplier(targets[1]!.uscc);
    const app = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: targets[1]!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: sme },
    );
    const path = `/api/v1/applications/${app.body.id}/decision`;
    const first = await w.as(w.bank, 'POST', path, approval(1_000_000), { 'idempotency-key': 'decide-1' });
    expect(first.status).toBe(200);
    const again = await w.as(w.bank, 'POST', path, approval(1_000_000), { 'idempotency-key': 'decide-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const noKey = await w.as(w.bank, 'POST', path, approval(1_000_000));
    expect(noKey.status).toBe(409);
    expect(noKey.body.code).toBe('invalid_state');
    // The same key string from another client is that client's own key.
    const other = await w.anotherBank();
    const theirs = await w.as(other.bank, 'POST', path, approval(1_000_000), { 'idempotency-key': 'decide-1' });
    expect(theirs.status).toBe(404);
  });

  it('replays a refusal too, and refuses a malformed key with 400', async () => {
    const path = `/api/v1/applications/00000000-0000-4000-8000-000000000000/review`;
    const a = await w.as(w.bank, 'POST', path, {}, { 'idempotency-key': 'missing-1' });
    const b = await w.as(w.bank, 'POST', path, {}, { 'idempotency-key': 'missing-1' });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const bad = await w.as(w.bank, 'POST', path, {}, { 'idempotency-key': 'has space' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ in: 'header' });
  });

  it('never leaves a committed write without its answer: killed right after the commit, the retry gets the answer, not a second effect', async () => {
    const [t] = await w.financeable(1);
    const sme = { ...(await w.supplier(t!.uscc)), 'idempotency-key': 'apply-cut-1' };
    const body = { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) };
    const [applications, events] = [await count('applications'), await count('events')];
    // The instance dies as soon as the request's first transaction — the one that writes the application —
    // commits: every later query and the reply are lost (the client sees its connection fail).
    type Query = (this: unknown, connection: unknown, query: string | { sql: string }) => Promise<unknown>;
    const driver = Object.getPrototypeOf(w.gw.db.client) as { _query: Query };
    const response = w.gw.app.response as { send(this: unknown, ...args: unknown[]): unknown };
    const [query, send] = [driver._query, response.send];
    let dead = false;
    driver._query = async function (connection, q) {
      if (dead) throw new Error('killed');
      const result = await query.call(this, connection, q);
      if (/^commit/i.test(typeof q === 'string' ? q : q.sql)) dead = true;
      return result;
    };
    response.send = function (...args: unknown[]) {
      if (dead) throw new Error('killed');
      return send.apply(this, args);
    };
    try {
      const cut = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme, unchecked: true });
      expect(cut.status).toBe(500);
    } finally {
      [driver._query, response.send] = [query, send];
    }
    expect(dead).toBe(true);
    expect(await count('applications')).toBe(applications + 1);
    // Long after: the lease of a key still running has lapsed, so a retry would be free to run the request again.
    await w.gw.db('idempotency_keys').where({ key: 'apply-cut-1', state: 'running' }).update({ lease_until: 1 });
    const retry = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ contract_no: t!.contractNo, status: 'submitted' });
    expect(await w.gw.db('applications').where({ id: retry.body.id }).first()).toBeDefined();
    expect(await count('applications')).toBe(applications + 1);
    expect(await count('events')).toBe(events + 1);
  });

  it('keeps nothing of a write that failed after its effect, so the retry runs it, once', async () => {
    const [t] = await w.financeable(1);
    const sme = { ...(await w.supplier(t!.uscc)), 'idempotency-key': 'apply-fail-1' };
    const body = { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) };
    const [applications, events] = [await count('applications'), await count('events')];
    // The application and its event are written, then building the answer fails.
    const service = w.gw.applications as unknown as { view(...args: unknown[]): unknown };
    const spy = vi.spyOn(service, 'view').mockImplementationOnce(() => {
      throw new Error('answer could not be built');
    });
    try {
      const failed = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
      expect(failed.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(await count('applications')).toBe(applications);
    expect(await count('events')).toBe(events);
    expect(await w.gw.db('idempotency_keys').where({ key: 'apply-fail-1' })).toEqual([]);
    const retry = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await count('applications')).toBe(applications + 1);
    expect(await count('events')).toBe(events + 1);
    const again = await w.gw.client.post('/api/v1/supplier/applications', body, { headers: sme });
    expect(again.body).toEqual(retry.body);
    expect(await count('applications')).toBe(applications + 1);
  });

  it('answers 409 while the first request is still running, and forgets keys after 24 hours', async () => {
    let now = Date.parse('2026-11-27T00:00:00Z');
    const store = new IdempotencyStore(w.gw.db, () => now);
    expect(await store.claim('bank-x', 'k1', 'h1')).toEqual({ kind: 'fresh' });
    await expect(store.claim('bank-x', 'k1', 'h1')).rejects.toMatchObject({ status: 409, code: 'idempotency_request_in_progress' });
    await store.complete('bank-x', 'k1', { status: 201, body: '{"ok":true}' });
    expect(await store.claim('bank-x', 'k1', 'h1')).toEqual({ kind: 'replay', answer: { status: 201, body: '{"ok":true}' } });
    now += IDEMPOTENCY_TTL_MS + 1;
    expect(await store.claim('bank-x', 'k1', 'h2')).toEqual({ kind: 'fresh' });
    expect(await store.prune()).toBe(0);
  });

  it('gives a running key a lease: when the instance that took it died, a retry after the lease runs it again, once', async () => {
    let now = Date.parse('2026-11-28T00:00:00Z');
    const store = new IdempotencyStore(w.gw.db, () => now);
    const other = new IdempotencyStore(w.gw.db, () => now);
    expect(await store.claim('bank-y', 'k1', 'h1')).toEqual({ kind: 'fresh' });
    // The instance dies here: no complete, no release.
    now += IDEMPOTENCY_LEASE_MS - 1;
    await expect(other.claim('bank-y', 'k1', 'h1')).rejects.toMatchObject({ status: 409, code: 'idempotency_request_in_progress' });
    now += 1;
    // Two retries at once at two instances: one runs the request, the other waits for it.
    const outcomes = await Promise.allSettled([other.claim('bank-y', 'k1', 'h1'), store.claim('bank-y', 'k1', 'h1')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<unknown>).value)).toEqual([{ kind: 'fresh' }]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    await other.complete('bank-y', 'k1', { status: 201, body: '{"ok":1}' });
    now += IDEMPOTENCY_LEASE_MS * 10;
    expect(await store.claim('bank-y', 'k1', 'h1')).toEqual({ kind: 'replay', answer: { status: 201, body: '{"ok":1}' } });
    // A different body under the key is still refused, lease or not.
    await expect(store.claim('bank-y', 'k1', 'h2')).rejects.toMatchObject({ status: 422 });
  });
});

describe(`collection-account lock outcomes on ${testDatabaseKind}`, () => {
  it('releases the reservation when the cloud refuses the lock', async () => {
    const t = targets[2]!;
    await w.sandbox.configureAccountChange(t.contractNo, 'refuse');
    const sme = await w.supplier(t.uscc);
    const app = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: sme },
    );
    const decided = await w.as(w.bank, 'POST', `/api/v1/applications/${app.body.id}/decision`, approval(1_000_000));
    expect(decided.body.status).toBe('lock_failed');
    expect(decided.body.history.at(-1)).toMatchObject({ to: 'lock_failed', actor: 'cloud', reason_code: 'lock_refused' });
    expect(await w.gw.db('contract_reservations').where({ contract_no: t.contractNo })).toEqual([]);
    const disburse = await w.as(w.bank, 'POST', `/api/v1/applications/${app.body.id}/disbursements`, { loan_no: 'L-9', amount: 1, disbursed_on: '2026-07-02' });
    expect(disburse.status).toBe(409);
    const listed = await w.gw.client.get('/api/v1/supplier/contracts?page_size=500', { headers: sme });
    expect(listed.body.items.find((c: { contract_no: string }) => c.contract_no === t.contractNo).financeable).toBe(true);
  });

  it('keeps the bank from disbursing until a delayed lock is confirmed, then the poller moves it on', async () => {
    const [t] = await w.financeable(1);
    await w.sandbox.configureAccountChange(t!.contractNo, 'delay');
    const app = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: t!.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: await w.supplier(t!.uscc) },
    );
    const id = app.body.id as string;
    expect((await w.as(w.bank, 'POST', `/api/v1/applications/${id}/decision`, approval(1_000_000))).body.status).toBe('account_lock_pending');
    const early = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'L-10', amount: 1_000_000, disbursed_on: '2026-07-02' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'invalid_state', state: 'account_lock_pending' });

    expect(await w.gw.applications.pollLocks()).toBe(1);
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${id}`)).body.status).toBe('account_lock_pending');
    await w.sandbox.advanceClock(3 * 86_400_000);
    await w.gw.applications.pollLocks();
    expect((await w.as(w.bank, 'GET', `/api/v1/applications/${id}`)).body.status).toBe('account_locked');
    const paid = await w.as(w.bank, 'POST', `/api/v1/applications/${id}/disbursements`, { loan_no: 'L-10', amount: 1_000_000, disbursed_on: '2026-07-05' });
    expect(paid.status).toBe(200);
  });
});

describe('request fingerprints', () => {
  it('treat reordered keys as the same request, and any other change as another', async () => {
    const { requestHash } = await import('../../src/http/idempotency.js');
    const a = requestHash('POST', '/x', { b: 1, a: { d: [1, 2], c: 'x' } });
    expect(requestHash('POST', '/x', { a: { c: 'x', d: [1, 2] }, b: 1 })).toBe(a);
    expect(requestHash('POST', '/x', { a: { c: 'x', d: [2, 1] }, b: 1 })).not.toBe(a);
    expect(requestHash('POST', '/y', { b: 1, a: { d: [1, 2], c: 'x' } })).not.toBe(a);
  });
});
