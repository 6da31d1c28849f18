import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '../../src/db/knex.js';
import { spawnZcd, waitForLine } from '../helpers/cli.js';
import { testDatabaseKind } from '../helpers/db.js';
import { deliveryRig, institutionWithWebhook, writeEvents } from '../helpers/events.js';
import type { WebhookReceiver } from '@zcd-gateway/client';

const EVENTS = 300;
let rig: Awaited<ReturnType<typeof deliveryRig>>;
let db: Knex;
let receiver: WebhookReceiver;
let url: string;
beforeAll(async () => {
  rig = await deliveryRig();
  ({ db, receiver } = rig);
  url = rig.fresh.url;
});
afterAll(async () => {
  await rig?.dispose();
});

describe(`zcd serve killed with SIGKILL while webhooks are in flight, on ${testDatabaseKind}`, () => {
  it('delivers every event at least once after a restart, duplicates with the same webhook-id and body', async () => {
    const bank = await institutionWithWebhook(db, '');
    receiver.secret = bank.secret;
    await db('institutions').where({ client_id: bank.clientId }).update({ webhook_url: receiver.url });
    await writeEvents(db, bank.clientId, EVENTS);
    // Slow answers keep a batch in flight when the kill lands.
    receiver.delayMs = 200;
    const env = { DATABASE_URL: url, PORT: '0', SYNC_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_POLL_MS: '50', LOG_LEVEL: 'info' };

    const first = spawnZcd(['serve'], env);
    const killed = new Promise<NodeJS.Signals | null>((r) => first.on('exit', (_c, signal) => r(signal)));
    await waitForLine(first, /zcd-gateway listening/, 30_000);
    await receiver.until(() => receiver.requests.length >= 60, 20_000);
    first.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const inFlight = Number((await db('event_deliveries').where({ status: 'pending' }).whereNotNull('claim_token').count({ n: '*' }).first())!.n);
    expect(inFlight).toBeGreaterThan(0);
    expect(receiver.events.size).toBeLessThan(EVENTS);

    const second = spawnZcd(['serve'], env);
    const stopped = new Promise<number | null>((r) => second.on('exit', (code) => r(code)));
    try {
      await waitForLine(second, /zcd-gateway listening/, 30_000);
      await receiver.until(() => receiver.events.size === EVENTS, 40_000);
      // What was in flight at the kill is sent again once its claim's lease runs out.
      const deadline = Date.now() + 30_000;
      while (Number((await db('event_deliveries').whereNot({ status: 'delivered' }).count({ n: '*' }).first())!.n) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      second.kill('SIGTERM');
    }
    expect(await stopped).toBe(0);

    const ids = new Set((await db('event_deliveries').pluck('id')) as string[]);
    expect(new Set(receiver.events.keys())).toEqual(ids);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    const bodies = new Map<string, string>();
    for (const r of receiver.requests) {
      if (bodies.has(r.id)) expect(r.body).toBe(bodies.get(r.id));
      bodies.set(r.id, r.body);
    }
    expect(Number((await db('event_deliveries').whereNot({ status: 'delivered' }).count({ n: '*' }).first())!.n)).toBe(0);
    // The in-flight ones arrived twice, under the same webhook-id; the receiver processed each once.
    expect(receiver.replays.length).toBeGreaterThan(0);
  }, 120_000);
});
