import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptOutcome, PlannedDelivery } from '../../src/features/events/events-store.js';
import { KnexEventsStore } from '../../src/features/events/events-knex-store.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnexEventsStore;
beforeAll(async () => {
  database = await migratedDatabase();
  store = new KnexEventsStore(database.db);
});
afterAll(async () => {
  await database?.dispose();
});

const T = 1_790_000_000_000;
const INSTITUTION = 'ins_complete';

const planned = (i: number): PlannedDelivery => ({
  id: `evt_round_${i}`,
  institutionId: INSTITUTION,
  eventId: `evt_src_${i}`,
  applicationId: null,
  type: 'application.submitted',
  body: `{"n":${i}}`,
  status: 'pending',
  nextAttemptAt: T,
  createdAt: T,
});

describe(`one dispatch round recorded at once on ${testDatabaseKind}`, () => {
  it('records delivered, retried, failed and disabled outcomes of one round, each on its own delivery', async () => {
    const deliveries = [0, 1, 2, 3].map(planned);
    await database.db.transaction((trx) =>
      new KnexEventsStore(trx).append(
        deliveries.map((d) => ({ id: d.eventId, type: d.type, occurredAt: T, contractNo: null, payload: {}, createdAt: T })),
        deliveries,
      ),
    );
    const claimed = await store.claim(T + 1, 10, 30_000);
    expect(claimed.map((c) => c.id).sort()).toEqual(deliveries.map((d) => d.id));
    const byId = new Map(claimed.map((c) => [c.id, c]));
    const url = 'https://bank.example/hooks';
    const outcomes: AttemptOutcome[] = [
      {
        claim: byId.get('evt_round_0')!,
        attempt: { url, startedAt: T + 10, durationMs: 12, statusCode: 204, error: null, outcome: 'delivered' },
        next: { status: 'delivered', nextAttemptAt: null, deliveredAt: T + 22 },
      },
      {
        claim: byId.get('evt_round_1')!,
        attempt: { url, startedAt: T + 10, durationMs: 5_000, statusCode: null, error: 'timeout, after 5000 ms: "no answer"', outcome: 'retry' },
        next: { status: 'pending', nextAttemptAt: T + 60_000 },
      },
      {
        claim: byId.get('evt_round_2')!,
        attempt: { url, startedAt: T + 10, durationMs: 30, statusCode: 500, error: null, outcome: 'failed' },
        next: { status: 'failed', nextAttemptAt: null },
      },
      {
        claim: byId.get('evt_round_3')!,
        attempt: { url, startedAt: T + 10, durationMs: 8, statusCode: 410, error: null, outcome: 'disabled' },
        next: { status: 'failed', nextAttemptAt: null, disableEndpoint: 'gone' },
      },
    ];
    await store.complete(outcomes);

    const rows = (await database.db('event_deliveries').whereIn('id', deliveries.map((d) => d.id)).orderBy('id')
      .select('id', 'status', 'next_attempt_at', 'claim_token', 'last_status_code', 'last_error', 'delivered_at')) as Record<string, unknown>[];
    const numbers = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /_at$/.test(k) ? Number(v) : v]));
    expect(rows.map(numbers)).toEqual([
      { id: 'evt_round_0', status: 'delivered', next_attempt_at: null, claim_token: null, last_status_code: 204, last_error: null, delivered_at: T + 22 },
      { id: 'evt_round_1', status: 'pending', next_attempt_at: T + 60_000, claim_token: null, last_status_code: null, last_error: 'timeout, after 5000 ms: "no answer"', delivered_at: null },
      { id: 'evt_round_2', status: 'failed', next_attempt_at: null, claim_token: null, last_status_code: 500, last_error: null, delivered_at: null },
      { id: 'evt_round_3', status: 'failed', next_attempt_at: null, claim_token: null, last_status_code: 410, last_error: null, delivered_at: null },
    ]);
    const attempts = (await database.db('webhook_attempts').orderBy('delivery_id').select('delivery_id', 'attempt', 'status_code', 'error', 'outcome', 'duration_ms')) as Record<string, unknown>[];
    expect(attempts).toEqual([
      { delivery_id: 'evt_round_0', attempt: 1, status_code: 204, error: null, outcome: 'delivered', duration_ms: 12 },
      { delivery_id: 'evt_round_1', attempt: 1, status_code: null, error: 'timeout, after 5000 ms: "no answer"', outcome: 'retry', duration_ms: 5_000 },
      { delivery_id: 'evt_round_2', attempt: 1, status_code: 500, error: null, outcome: 'failed', duration_ms: 30 },
      { delivery_id: 'evt_round_3', attempt: 1, status_code: 410, error: null, outcome: 'disabled', duration_ms: 8 },
    ]);
    expect(await database.db('webhook_endpoints').where({ institution_id: INSTITUTION }).select('disabled_reason')).toEqual([{ disabled_reason: 'gone' }]);
  });

  it('leaves a delivery whose claim another round took over as that round has it', async () => {
    await store.append([{ id: 'evt_src_stale', type: 'application.submitted', occurredAt: T, contractNo: null, payload: {}, createdAt: T }], [{ ...planned(9), id: 'evt_stale', eventId: 'evt_src_stale', institutionId: 'ins_complete_other' }]);
    const [first] = await store.claim(T + 1, 10, 1);
    // The first test disabled ins_complete's endpoint, so this delivery goes to another institution.
    // The lease ran out and another dispatcher claimed it again.
    const [second] = await store.claim(T + 100, 10, 30_000);
    expect(second!.id).toBe('evt_stale');
    await store.complete([
      { claim: first!, attempt: { url: 'https://bank.example/hooks', startedAt: T + 5, durationMs: 1, statusCode: 204, error: null, outcome: 'delivered' }, next: { status: 'delivered', nextAttemptAt: null, deliveredAt: T + 6 } },
    ]);
    const row = (await database.db('event_deliveries').where({ id: 'evt_stale' }).first('status', 'claim_token')) as { status: string; claim_token: string };
    expect(row).toEqual({ status: 'pending', claim_token: second!.claimToken });
  });
});
