import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import type { Knex } from '../../src/db/knex.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let db: Knex;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
});
afterAll(async () => {
  await dispose?.();
});

describe(`a fresh sandbox contract on ${testDatabaseKind}`, () => {
  it('is signed at the sandbox clock, with its acceptance and payments ahead, even after every seeded timeline has passed', async () => {
    const sandbox = new SandboxCloud(db);
    await sandbox.seed(30);
    // Three years on: every seeded contract has run its course.
    await sandbox.advanceClock(3 * 365 * 86_400_000);
    const clock = await sandbox.clock();
    const contract = await sandbox.addFreshContract();
    expect(await sandbox.contractCount()).toBeGreaterThan(30);
    // Signed today or, when it reached the cloud hours after signing, yesterday.
    expect([new Date(clock).toISOString().slice(0, 10), new Date(clock - 86_400_000).toISOString().slice(0, 10)]).toContain(contract.signedOn);
    expect(await sandbox.getContract(contract.contractNo)).toMatchObject({ contractNo: contract.contractNo, status: 'active', signedOn: contract.signedOn });
    const pending = await sandbox.pendingFor(contract.contractNo);
    expect(pending.count).toBeGreaterThanOrEqual(2);
    expect(pending.nextDue).toBeGreaterThan(clock);
    // Its creation is in the feed now; the rest arrives as the clock moves, and the contract ends completed.
    const feed = await sandbox.listChanges(undefined, 100_000);
    const mine = feed.entries.flatMap((e) => (e.ok && JSON.stringify(e.change).includes(contract.contractNo) ? [e.change.type] : []));
    expect(mine).toEqual(['contract.created']);
    await sandbox.advanceClock(3 * 365 * 86_400_000);
    expect((await sandbox.getContract(contract.contractNo))?.status).toBe('completed');
    expect((await sandbox.pendingFor(contract.contractNo)).count).toBe(0);
    // The next one is another contract.
    expect((await sandbox.addFreshContract()).contractNo).not.toBe(contract.contractNo);
  });
});
