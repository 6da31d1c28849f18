import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { Knex } from '../../src/db/knex.js';
import { spawnZcd, waitForLine } from '../helpers/cli.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { deliveryRig, institutionWithWebhook, writeEvents } from '../helpers/events.js';
import type { WebhookReceiver } from '@zcd-gateway/client';

const EVENTS = 1000;
let rig: Awaited<ReturnType<typeof deliveryRig>>;
let db: Knex;
let receiver: WebhookReceiver;
let url: string;
beforeAll(async () => {
  if (!TEST_DATABASE_URL) return;
  rig = await deliveryRig();
  ({ db, receiver } = rig);
  url = rig.fresh.url;
});
afterAll(async () => {
  await rig?.dispose();
});

describe('two gateway instances on one PostgreSQL', () => {
  it.runIf(TEST_DATABASE_URL)('deliver 1,000 events: none lost, none delivered twice concurrently', async () => {
    const bank = await institutionWithWebhook(db, 'http://127.0.0.1:1/unused');
    receiver.secret = bank.secret;
    await db('institutions').where({ client_id: bank.clientId }).update({ webhook_url: receiver.url });
    receiver.delayMs = 5;
    const inFlight = new Map<string, number>();
    let concurrent = 0;
    const handle = receiver.handle.bind(receiver);
    receiver.handle = (headers, body, process) => {
      const id = headers['webhook-id']!;
      if ((inFlight.get(id) ?? 0) > 0) concurrent++;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      setTimeout(() => inFlight.set(id, inFlight.get(id)! - 1), receiver.delayMs + 1);
      return handle(headers, body, process);
    };
    const env = { DATABASE_URL: url, PORT: '0', SYNC_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_MS: '20', LOG_LEVEL: 'info' };
    const children: ChildProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const child = spawnZcd(['serve'], env);
        children.push(child);
        await waitForLine(child, /zcd-gateway listening/, 30_000);
      }
      // Written while both dispatch, so both compete for every batch.
      await writeEvents(db, bank.clientId, EVENTS);
      await receiver.until(() => receiver.events.size === EVENTS, 60_000);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      const exits = children.map((c) => new Promise((r) => c.on('exit', r)));
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(exits);
    }
    expect(concurrent).toBe(0);
    expect(receiver.requests.length).toBe(EVENTS);
    expect(new Set(receiver.requests.map((r) => r.id)).size).toBe(EVENTS);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    const attempts = Number((await db('webhook_attempts').count({ n: '*' }).first())!.n);
    expect(attempts).toBe(EVENTS);
  }, 120_000);
});
