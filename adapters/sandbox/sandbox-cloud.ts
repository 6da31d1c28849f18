import { createHash, randomUUID, type webcrypto } from 'node:crypto';
import type { Knex } from 'knex';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { bulkInsert } from '../../src/db/bulk.js';
import { CLOUD_SIGNING_ALG, NOTIFICATION_TYP, verifyNotification } from '../cloud-signature.js';
import { changeFromWire, changeToWire } from '../http/wire.js';
import {
  CloudNotFoundError,
  type Change,
  type ChangeEntry,
  type ChangePage,
  type CloudHealth,
  type CloudKeys,
  type CollectionAccount,
  type CollectionAccountChange,
  type CollectionAccountRelease,
  type Contract,
  type ProcurementCloud,
} from '../procurement-cloud.js';
import {
  contractAt,
  generateContract,
  generateShiftedContract,
  sandboxContractIndex,
  sandboxContractNo,
  sandboxSupplier,
  sandboxSupplierIndex,
  SANDBOX_EPOCH_MS,
  type AccountChangeBehaviour,
  type GeneratedContract,
} from './generator.js';
import { withTransactionRetry } from '../../src/db/transaction-retry.js';

/** The sandbox cloud's issuer identifier (supplier identity tokens, notifications). */
export const SANDBOX_ISSUER = 'https://sandbox.procurement-cloud.zcd.invalid';

/** Contracts the demo seeds when nothing says otherwise. */
export const SANDBOX_DEMO_CONTRACTS = 200;

/** The most contracts `seed` accepts. */
export const SANDBOX_MAX_CONTRACTS = 1_000_000;

/** How long a `delay` contract keeps an account change pending, on the sandbox clock. */
export const SANDBOX_ACCOUNT_CHANGE_DELAY_MS = 2 * 86_400_000;

const SEED_CHUNK = 1000;
const INSERT_CHUNK = 400;

interface AccountChangeRow {
  ref: string;
  contract_no: string;
  financing_ref: string;
  account: string;
  status: CollectionAccountChange['status'];
  reason: string | null;
  decide_at: number | string;
}

const toAccountChange = (r: AccountChangeRow): CollectionAccountChange => ({
  ref: r.ref,
  contractNo: r.contract_no,
  financingRef: r.financing_ref,
  status: r.status,
  ...(r.reason ? { reason: r.reason } : {}),
});

/** A supplier of the sandbox (its registration) and how many seeded contracts it holds. */
export interface SandboxSupplierSummary {
  uscc: string;
  name: string;
  sme: boolean;
  regionCode: string;
  contracts: number;
}

/**
 * The sandbox procurement cloud: deterministic Inner Mongolia data in `sandbox_*` tables of the
 * gateway's own database, so the CLI and the server see the same cloud. Its clock starts at
 * {@link SANDBOX_EPOCH_MS} and moves only when told to.
 */
export class SandboxCloud implements ProcurementCloud {
  private key: { privateKey: webcrypto.CryptoKey; publicJwk: JWK; kid: string } | undefined;

  constructor(
    private readonly db: Knex,
    private readonly opts: { now?: () => number } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async state(db: Knex, key: string): Promise<string | undefined> {
    const row = await db('sandbox_state').where({ key }).first<{ value: string } | undefined>();
    return row?.value;
  }

  private async setState(db: Knex, key: string, value: string): Promise<void> {
    await db('sandbox_state').insert({ key, value }).onConflict('key').merge(['value']);
  }

  /**
   * Serialises writers of the feed. On PostgreSQL an advisory lock; on SQLite a write before any read, so the
   * transaction holds the one writer's lock from its start and waits for it (busy_timeout) instead of reading a
   * snapshot that any commit of the gateway's (a bank's read, the audit sequencer) makes stale before it writes.
   */
  private async lock(trx: Knex.Transaction): Promise<void> {
    if (trx.client.config.client === 'pg') await trx.raw('select pg_advisory_xact_lock(7263001)');
    else await trx('sandbox_state').where({ key: 'clock' }).update({ value: trx.raw('value') });
  }

  /** The sandbox clock, ms since the epoch. */
  async clock(): Promise<number> {
    return Number((await this.state(this.db, 'clock')) ?? SANDBOX_EPOCH_MS);
  }

  /** How many contracts are seeded. */
  async contractCount(): Promise<number> {
    return Number((await this.state(this.db, 'contracts')) ?? 0);
  }

  /** Seeds contracts until there are `target`; deterministic, resumable, each chunk one transaction. */
  async seed(target: number, onProgress?: (done: number, total: number) => void): Promise<{ added: number; total: number }> {
    if (!Number.isInteger(target) || target < 0 || target > SANDBOX_MAX_CONTRACTS) {
      throw new RangeError(`contracts must be 0–${SANDBOX_MAX_CONTRACTS}`);
    }
    const start = await this.contractCount();
    let done = start;
    onProgress?.(done, target);
    while (done < target) {
      const end = Math.min(target, done + SEED_CHUNK);
      done = await withTransactionRetry(this.db, async (trx) => {
        await this.lock(trx);
        const from = Number((await this.state(trx, 'contracts')) ?? 0);
        if (from >= end) return from;
        const clock = Number((await this.state(trx, 'clock')) ?? SANDBOX_EPOCH_MS);
        let seq = await this.maxSeq(trx);
        const feed: Record<string, unknown>[] = [];
        const pending: Record<string, unknown>[] = [];
        for (let i = from; i < end; i++) {
          for (const change of generateContract(i).changes) {
            const due = Date.parse(change.occurredAt);
            const payload = JSON.stringify(change);
            if (due <= clock) feed.push({ seq: ++seq, change_id: change.changeId, payload });
            else pending.push({ change_id: change.changeId, due_at: due, payload });
          }
        }
        await bulkInsert(trx, 'sandbox_feed', feed);
        await bulkInsert(trx, 'sandbox_pending', pending, { target: ['change_id'], ignore: true });
        await this.setState(trx, 'contracts', String(end));
        return end;
      });
      onProgress?.(done, target);
    }
    return { added: Math.max(0, done - start), total: Math.max(done, start) };
  }

  private async maxSeq(db: Knex): Promise<number> {
    const row = await db('sandbox_feed').max({ m: 'seq' }).first<{ m: number | string | null }>();
    return Number(row?.m ?? 0);
  }

  /** The changes of a contract still to come at the cloud: how many, and when the next one is due (epoch ms). */
  async pendingFor(contractNo: string): Promise<{ count: number; nextDue: number | undefined }> {
    const row = (await this.db('sandbox_pending')
      .where('payload', 'like', `%"${contractNo}"%`)
      .count({ n: '*' })
      .min({ due: 'due_at' })
      .first()) as { n: number | string; due: number | string | null } | undefined;
    return { count: Number(row?.n ?? 0), nextDue: row?.due === null || row?.due === undefined ? undefined : Number(row.due) };
  }

  /** Moves the clock forward; changes now due are published to the feed, in time order. */
  async advanceClock(ms: number): Promise<{ clock: number; published: number }> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the sandbox clock only moves forward');
    return withTransactionRetry(this.db, async (trx) => {
      await this.lock(trx);
      const clock = Number((await this.state(trx, 'clock')) ?? SANDBOX_EPOCH_MS) + Math.round(ms);
      let seq = await this.maxSeq(trx);
      let published = 0;
      for (;;) {
        const due = await trx('sandbox_pending')
          .where('due_at', '<=', clock)
          .orderBy([{ column: 'due_at' }, { column: 'change_id' }])
          .limit(5000)
          .select<{ change_id: string; payload: string }[]>('change_id', 'payload');
        if (due.length === 0) break;
        await bulkInsert(
          trx,
          'sandbox_feed',
          due.map((d) => ({ seq: ++seq, change_id: d.change_id, payload: d.payload })),
        );
        for (let i = 0; i < due.length; i += INSERT_CHUNK) {
          await trx('sandbox_pending').whereIn('change_id', due.slice(i, i + INSERT_CHUNK).map((d) => d.change_id)).delete();
        }
        published += due.length;
      }
      await this.setState(trx, 'clock', String(clock));
      return { clock, published };
    });
  }

  async listChanges(cursor: string | undefined, limit: number): Promise<ChangePage> {
    const after = cursor === undefined ? 0 : Number(cursor);
    const rows = await this.db('sandbox_feed')
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
      .select<{ seq: number | string; payload: string }[]>('seq', 'payload');
    const last = rows.length ? Number(rows.at(-1)!.seq) : after;
    const max = await this.maxSeq(this.db);
    return {
      entries: rows.map((r) => ({ ok: true, change: JSON.parse(r.payload) as Change })),
      nextCursor: String(last),
      hasMore: max > last,
      remaining: Math.max(0, max - last),
    };
  }

  async getContract(contractNo: string): Promise<Contract | undefined> {
    const i = sandboxContractIndex(contractNo);
    if (i === undefined || i >= (await this.contractCount())) return undefined;
    return contractAt(await this.generated(i), await this.clock());
  }

  /** Contract `i` as seeded: its own timeline, moved if it was made fresh ({@link addFreshContract}). */
  private async generated(i: number): Promise<GeneratedContract> {
    const shift = await this.state(this.db, `shift:${sandboxContractNo(i)}`);
    return shift === undefined ? generateContract(i) : generateShiftedContract(i, Number(shift));
  }

  /** The contracts made fresh ({@link addFreshContract}) and the days their timelines moved, by contract number. */
  private async shifts(): Promise<Map<string, number>> {
    const rows = await this.db('sandbox_state').where('key', 'like', 'shift:%').select<{ key: string; value: string }[]>('key', 'value');
    return new Map(rows.map((r) => [r.key.slice('shift:'.length), Number(r.value)]));
  }

  /**
   * Every seeded contract as the cloud shows it at its clock, in contract-number order from index `from`;
   * a contract signed after the clock is not there yet. Generated, so a million cost seconds, not queries.
   */
  private async *visible(from: number, onProgress?: (done: number, total: number) => void): AsyncGenerator<{ index: number; contract: Contract }> {
    const [count, clock, shifts] = [await this.contractCount(), await this.clock(), await this.shifts()];
    for (let i = Math.max(0, from); i < count; i++) {
      if (onProgress && (i % 10_000 === 0 || i === count - 1)) onProgress(i + 1, count);
      const shift = shifts.get(sandboxContractNo(i));
      const contract = contractAt(shift === undefined ? generateContract(i) : generateShiftedContract(i, shift), clock);
      if (contract) yield { index: i, contract };
    }
  }

  /**
   * One page of the seeded contracts at the sandbox clock, after contract `after` (none: from the first), only
   * `supplierUscc`'s when given; `next` is the contract number to continue after, when there are more.
   */
  async listContracts(
    q: { after?: string | undefined; limit: number; supplierUscc?: string | undefined },
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ contracts: Contract[]; next: string | undefined }> {
    const from = q.after === undefined ? 0 : (sandboxContractIndex(q.after) ?? -2) + 1;
    if (from < 0) throw new RangeError(`${q.after} is not a sandbox contract number (NMZC-HT-0000001)`);
    const contracts: Contract[] = [];
    for await (const { contract } of this.visible(from, onProgress)) {
      if (q.supplierUscc !== undefined && contract.supplier.uscc !== q.supplierUscc) continue;
      contracts.push(contract);
      if (contracts.length > q.limit) break;
    }
    const more = contracts.length > q.limit;
    if (more) contracts.pop();
    return { contracts, next: more ? contracts.at(-1)!.contractNo : undefined };
  }

  /** The suppliers that hold seeded contracts at the sandbox clock, with how many: most first, then by USCC. */
  async listSuppliers(onProgress?: (done: number, total: number) => void): Promise<SandboxSupplierSummary[]> {
    const held = new Map<string, SandboxSupplierSummary>();
    for await (const { contract } of this.visible(0, onProgress)) {
      const s = held.get(contract.supplier.uscc);
      if (s) {
        s.contracts++;
        continue;
      }
      const j = sandboxSupplierIndex(contract.supplier.uscc);
      const regionCode = j === undefined ? contract.purchaser.regionCode : sandboxSupplier(j).regionCode;
      held.set(contract.supplier.uscc, { ...contract.supplier, regionCode, contracts: 1 });
    }
    return [...held.values()].sort((a, b) => b.contracts - a.contracts || (a.uscc < b.uscc ? -1 : 1));
  }

  /**
   * Adds the next contract with its life starting at the sandbox clock: signed now, acceptance and
   * payments ahead. A demo run on a sandbox whose clock has moved past every seeded timeline uses it.
   * Contracts that end early (terminated) or bring a risk flag are seeded too, and skipped.
   */
  async addFreshContract(): Promise<Contract> {
    return withTransactionRetry(this.db, async (trx) => {
      await this.lock(trx);
      const clock = Number((await this.state(trx, 'clock')) ?? SANDBOX_EPOCH_MS);
      let i = Number((await this.state(trx, 'contracts')) ?? 0);
      let seq = await this.maxSeq(trx);
      for (; ; i++) {
        if (i >= SANDBOX_MAX_CONTRACTS) throw new RangeError(`the sandbox holds ${SANDBOX_MAX_CONTRACTS} contracts already`);
        const original = generateContract(i);
        const created = Date.parse(original.changes[0]!.occurredAt);
        const days = Math.max(0, Math.floor((clock - created) / 86_400_000));
        const g = generateShiftedContract(i, days);
        const feed: Record<string, unknown>[] = [];
        const pending: Record<string, unknown>[] = [];
        for (const change of g.changes) {
          const due = Date.parse(change.occurredAt);
          if (due <= clock) feed.push({ seq: ++seq, change_id: change.changeId, payload: JSON.stringify(change) });
          else pending.push({ change_id: change.changeId, due_at: due, payload: JSON.stringify(change) });
        }
        await bulkInsert(trx, 'sandbox_feed', feed);
        await bulkInsert(trx, 'sandbox_pending', pending, { target: ['change_id'], ignore: true });
        if (days !== 0) await this.setState(trx, `shift:${g.contract.contractNo}`, String(days));
        await this.setState(trx, 'contracts', String(i + 1));
        const usable = g.changes.some((c) => c.type === 'acceptance.recorded') && !g.changes.some((c) => c.type === 'contract.terminated' || c.type === 'supplier_risk_flag.added');
        if (usable && feed.some((f) => f.change_id === `${g.contract.contractNo}/created`)) return g.contract;
      }
    });
  }

  /** Makes the sandbox answer account changes for a contract this way (tests, demos). */
  async configureAccountChange(contractNo: string, behaviour: AccountChangeBehaviour): Promise<void> {
    await this.db('sandbox_account_behaviour').insert({ contract_no: contractNo, behaviour }).onConflict('contract_no').merge(['behaviour']);
  }

  async requestCollectionAccountChange(
    contractNo: string,
    account: CollectionAccount,
    financingRef: string,
  ): Promise<CollectionAccountChange> {
    const contract = await this.getContract(contractNo);
    if (!contract) throw new CloudNotFoundError('contract_not_found', `the cloud does not know contract ${contractNo}`);
    const existing = await this.db<AccountChangeRow>('sandbox_account_changes').where({ contract_no: contractNo, financing_ref: financingRef }).first();
    if (existing) return (await this.getCollectionAccountChange(existing.ref))!;
    const override = await this.db('sandbox_account_behaviour').where({ contract_no: contractNo }).first<{ behaviour: AccountChangeBehaviour } | undefined>();
    const behaviour = override?.behaviour ?? (await this.generated(sandboxContractIndex(contractNo)!)).accountBehaviour;
    const clock = await this.clock();
    let status: CollectionAccountChange['status'] = 'confirmed';
    let reason: string | null = null;
    if (contract.status !== 'active') {
      status = 'refused';
      reason = `contract_${contract.status}`;
    } else if (behaviour === 'refuse') {
      status = 'refused';
      reason = 'purchaser_refused';
    } else if (behaviour === 'delay') {
      status = 'pending';
    }
    const row: AccountChangeRow = {
      ref: 'ZH-' + createHash('sha256').update(`${contractNo}\n${financingRef}`).digest('hex').slice(0, 20),
      contract_no: contractNo,
      financing_ref: financingRef,
      account: JSON.stringify(account),
      status,
      reason,
      decide_at: clock + (behaviour === 'delay' ? SANDBOX_ACCOUNT_CHANGE_DELAY_MS : 0),
    };
    await this.db('sandbox_account_changes').insert(row).onConflict(['contract_no', 'financing_ref']).ignore();
    return toAccountChange(row);
  }

  async releaseCollectionAccount(contractNo: string, changeRef: string, financingRef: string): Promise<CollectionAccountRelease> {
    const row = await this.db<AccountChangeRow>('sandbox_account_changes').where({ ref: changeRef, contract_no: contractNo, financing_ref: financingRef }).first();
    if (!row) throw new CloudNotFoundError('change_not_found', `the cloud does not know account change ${changeRef}`);
    await this.db('sandbox_account_changes').where({ ref: changeRef }).whereNull('released_at').update({ released_at: await this.clock() });
    return { changeRef, contractNo, status: 'released' };
  }

  /** When the account a change set was released, if it was (tests, demos). */
  async releasedAt(changeRef: string): Promise<number | undefined> {
    const row = await this.db('sandbox_account_changes').where({ ref: changeRef }).first<{ released_at: number | string | null } | undefined>('released_at');
    return row?.released_at == null ? undefined : Number(row.released_at);
  }

  async getCollectionAccountChange(ref: string): Promise<CollectionAccountChange | undefined> {
    const row = await this.db<AccountChangeRow>('sandbox_account_changes').where({ ref }).first();
    if (!row) return undefined;
    if (row.status === 'pending' && (await this.clock()) >= Number(row.decide_at)) {
      await this.db('sandbox_account_changes').where({ ref, status: 'pending' }).update({ status: 'confirmed' });
      row.status = 'confirmed';
    }
    return toAccountChange(row);
  }

  private async signingKey(): Promise<{ privateKey: webcrypto.CryptoKey; publicJwk: JWK; kid: string }> {
    if (this.key) return this.key;
    let stored = await this.state(this.db, 'signing_key');
    if (!stored) {
      const pair = await generateKeyPair(CLOUD_SIGNING_ALG, { extractable: true });
      const jwk = await exportJWK(pair.privateKey);
      jwk.kid = await calculateJwkThumbprint(jwk);
      // Two processes may race to create it; the first one wins and both use that one.
      await this.db('sandbox_state').insert({ key: 'signing_key', value: JSON.stringify(jwk) }).onConflict('key').ignore();
      stored = (await this.state(this.db, 'signing_key'))!;
    }
    const jwk = JSON.parse(stored) as JWK;
    const { d: _d, ...publicJwk } = jwk;
    this.key = {
      privateKey: (await importJWK(jwk, CLOUD_SIGNING_ALG)) as webcrypto.CryptoKey,
      publicJwk: { ...publicJwk, alg: CLOUD_SIGNING_ALG, use: 'sig' },
      kid: jwk.kid!,
    };
    return this.key;
  }

  async keys(): Promise<CloudKeys> {
    const key = await this.signingKey();
    return { issuer: SANDBOX_ISSUER, jwks: { keys: [key.publicJwk] } };
  }

  /** A supplier identity token for `uscc`, addressed to the gateway `audience`. */
  async issueSupplierToken(input: { uscc: string; name?: string; audience: string; ttlSeconds?: number }): Promise<string> {
    const key = await this.signingKey();
    const j = sandboxSupplierIndex(input.uscc);
    const name = input.name ?? (j === undefined ? undefined : sandboxSupplier(j).name);
    if (name === undefined) throw new CloudNotFoundError('supplier_not_found', 'the sandbox has no supplier with this USCC; pass a name');
    const now = Math.floor(this.now() / 1000);
    return new SignJWT({ uscc: input.uscc, name })
      .setProtectedHeader({ alg: CLOUD_SIGNING_ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(SANDBOX_ISSUER)
      .setSubject(input.uscc)
      .setAudience(input.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (input.ttlSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  /** Signs changes as the cloud pushes them to `POST /api/v1/upstream/notifications`. */
  async signNotification(changes: Change[]): Promise<string> {
    const key = await this.signingKey();
    const payload = { iss: SANDBOX_ISSUER, iat: Math.floor(this.now() / 1000), records: changes.map(changeToWire) };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: CLOUD_SIGNING_ALG, kid: key.kid, typ: NOTIFICATION_TYP })
      .sign(key.privateKey);
  }

  async readNotification(jws: string): Promise<ChangeEntry[]> {
    const records = await verifyNotification(jws, await this.keys(), this.now());
    return records.map(changeFromWire);
  }

  health(): CloudHealth {
    return { ok: true, circuit: 'closed' };
  }
}

