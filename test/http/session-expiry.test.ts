import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSupplier } from '../../adapters/sandbox/generator.js';
import { TestClock } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { signedIn } from '../helpers/sign-in.js';

let gw: TestGateway;
const clock = new TestClock(new Date('2026-12-01T08:00:00Z'));
const minutes = (n: number) => clock.advance(n * 60);
beforeAll(async () => {
  gw = await startTestGateway({ clock: clock.now });
});
afterAll(async () => {
  await gw?.close();
});

const supplier = { uscc: sandboxSupplier(11).uscc };
const rows = async () => Number(((await gw.db('sessions').count({ n: '*' }).first()) as { n: string | number }).n);

describe(`session limits on ${testDatabaseKind} (the gateway's clock advanced)`, () => {
  it('ends a session 30 minutes after its last use, and each use moves that on', async () => {
    const { client, session } = await signedIn(gw, 'supplier', supplier);
    expect(session.idle_expires_at).toBe('2026-12-01T08:30:00.000Z');
    expect(session.expires_at).toBe('2026-12-01T20:00:00.000Z');
    minutes(29);
    const used = await client.get('/api/v1/session');
    expect(used.status).toBe(200);
    expect(used.body.idle_expires_at).toBe('2026-12-01T08:59:00.000Z');
    minutes(29);
    expect((await client.get('/api/v1/session')).status).toBe(200);
    const before = await rows();
    minutes(31);
    const expired = await client.get('/api/v1/session');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('unauthenticated');
    expect(await rows()).toBe(before - 1);
  });

  it('ends a session 12 hours after sign-in however often it is used', async () => {
    const { client } = await signedIn(gw, 'supplier', supplier);
    for (let used = 0; used < 12 * 60 - 25; used += 25) {
      minutes(25);
      expect((await client.get('/api/v1/session')).status, `after ${used + 25} minutes`).toBe(200);
    }
    minutes(25);
    expect((await client.get('/api/v1/session')).status).toBe(401);
  });
});
