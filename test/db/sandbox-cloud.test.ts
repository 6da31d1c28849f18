import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud, SANDBOX_ACCOUNT_CHANGE_DELAY_MS } from '../../adapters/sandbox/sandbox-cloud.js';
import { generateContract, sandboxContractNo } from '../../adapters/sandbox/generator.js';
import { CloudNotFoundError, CloudSignatureError } from '../../adapters/procurement-cloud.js';
import { changeToWire } from '../../adapters/http/wire.js';
import type { Knex } from '../../src/db/knex.js';
import { migratedDatabase, testDatabaseKind } from '../helpers/db.js';

let db: Knex;
let dispose: () => Promise<void>;
let sandbox: SandboxCloud;
beforeAll(async () => {
  ({ db, dispose } = await migratedDatabase());
  sandbox = new SandboxCloud(db);
  await sandbox.seed(120);
});
afterAll(async () => {
  await dispose?.();
});

const account = { bankName: '中国银行呼和浩特分行', accountName: '内蒙古某某有限公司', accountNo: '6217000000000000001' };
/** The first seeded contract that is active now and answers account changes the given way. */
async function activeContract(behaviour: 'confirm' | 'refuse' | 'delay'): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const no = sandboxContractNo(i);
    if (generateContract(i).accountBehaviour === behaviour && (await sandbox.getContract(no))?.status === 'active') return no;
  }
  throw new Error(`no active ${behaviour} contract`);
}

describe(`the sandbox cloud on ${testDatabaseKind}`, () => {
  it('seeds deterministically and resumably, and shares its state through the database', async () => {
    const other = new SandboxCloud(db);
    expect(await other.contractCount()).toBe(120);
    expect(await other.seed(120)).toEqual({ added: 0, total: 120 });
    const page = await other.listChanges(undefined, 5);
    expect(page.entries).toHaveLength(5);
    expect(page.hasMore).toBe(true);
    expect(page.entries[0]).toMatchObject({ ok: true, change: { type: expect.stringMatching(/\./) } });
    const next = await other.listChanges(page.nextCursor, 5);
    expect(Number(next.nextCursor)).toBe(Number(page.nextCursor) + 5);
    await expect(other.seed(1_000_001)).rejects.toThrow(RangeError);
  });

  it('confirms account changes by default, refuses for contracts configured to, and confirms a delayed one later', async () => {
    const confirm = await activeContract('confirm');
    const ok = await sandbox.requestCollectionAccountChange(confirm, account, 'FIN-1');
    expect(ok).toMatchObject({ status: 'confirmed', contractNo: confirm, financingRef: 'FIN-1' });
    expect(await sandbox.requestCollectionAccountChange(confirm, account, 'FIN-1')).toEqual(ok);

    const refuse = await activeContract('refuse');
    expect(await sandbox.requestCollectionAccountChange(refuse, account, 'FIN-2')).toMatchObject({ status: 'refused', reason: 'purchaser_refused' });

    await sandbox.configureAccountChange(confirm, 'refuse');
    expect(await sandbox.requestCollectionAccountChange(confirm, account, 'FIN-3')).toMatchObject({ status: 'refused' });

    const delay = await activeContract('delay');
    const pending = await sandbox.requestCollectionAccountChange(delay, account, 'FIN-4');
    expect(pending.status).toBe('pending');
    expect((await sandbox.getCollectionAccountChange(pending.ref))?.status).toBe('pending');
    await sandbox.advanceClock(SANDBOX_ACCOUNT_CHANGE_DELAY_MS);
    expect((await sandbox.getCollectionAccountChange(pending.ref))?.status).toBe('confirmed');

    expect(await sandbox.getCollectionAccountChange('ZH-nothing')).toBeUndefined();
    await expect(sandbox.requestCollectionAccountChange('NMZC-HT-9999999', account, 'FIN-5')).rejects.toBeInstanceOf(CloudNotFoundError);
  });

  it('signs notifications that it reads back, and rejects one it did not sign', async () => {
    const change = generateContract(3).changes[0]!;
    const jws = await sandbox.signNotification([change]);
    expect(await sandbox.readNotification(jws)).toEqual([{ ok: true, change: JSON.parse(JSON.stringify(change)), raw: changeToWire(change) }]);
    const [h, p, s] = jws.split('.');
    const tampered = `${h}.${Buffer.from(Buffer.from(p!, 'base64url').toString().replace('NMZC', 'NMZX')).toString('base64url')}.${s}`;
    await expect(sandbox.readNotification(tampered)).rejects.toBeInstanceOf(CloudSignatureError);
  });
});
