import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError, DomainError, ValidationError } from '../errors.js';
import { PreparedStatements } from '../db/prepared.js';
import { runInRequestTransaction } from '../db/request-transaction.js';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * How long a request holds its key while running. Longer than any request may run (the server's request timeout
 * is 30 s): once it lapses the instance that took the request is taken for dead, and a retry runs the request again.
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** A stored answer, replayed on retry. */
export interface StoredAnswer {
  status: number;
  body: string;
}

/** The outcome of claiming a key. */
export type Claim = { kind: 'fresh' } | { kind: 'replay'; answer: StoredAnswer };

/** JSON with object keys sorted, so a retry that reorders keys is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Fingerprint of a request: method, path and its JSON body in canonical form. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(body)}`).digest('hex');
}

const INSERT_CLAIM = `insert into idempotency_keys (client_id, "key", request_hash, state, created_at, lease_until)
    values (?, ?, ?, 'running', ?, ?) on conflict (client_id, "key") do nothing`;
const STORE_ANSWER = `update idempotency_keys set state = 'done', status_code = ?, response_body = ? where client_id = ? and "key" = ?`;

/** Idempotency keys per client, in the database so retries work across instances and restarts. */
export class IdempotencyStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {
    this.statements = new PreparedStatements(db);
  }

  /**
   * Takes a fresh key: true when this call inserted it. On SQLite the claims of requests that arrive together
   * share one commit (a claim is durable before its request runs either way).
   */
  private async insertClaim(clientId: string, key: string, hash: string, at: number): Promise<boolean> {
    const params = [clientId, key, hash, at, at + IDEMPOTENCY_LEASE_MS];
    const inserted = this.statements.sqlite ? await this.statements.batched((s) => s.run(INSERT_CLAIM, params)) : await this.statements.run(INSERT_CLAIM, params);
    return inserted === 1;
  }

  /** Validates the header value; undefined when absent. */
  static parseKey(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new ValidationError([{ in: 'header', pointer: '/Idempotency-Key', detail: '1 to 255 visible ASCII characters' }]);
    }
    return header;
  }

  /** Claims the key for this request, or finds the first answer; 422 for another body, 409 while running. */
  async claim(clientId: string, key: string, hash: string): Promise<Claim> {
    const at = this.now();
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.insertClaim(clientId, key, hash, at)) return { kind: 'fresh' };
      const row = await this.db('idempotency_keys').where({ client_id: clientId, key }).first();
      if (!row) continue; // released meanwhile
      if (Number(row.created_at) < at - IDEMPOTENCY_TTL_MS) {
        await this.db('idempotency_keys').where({ client_id: clientId, key, created_at: row.created_at }).delete();
        continue;
      }
      if (row.request_hash !== hash) {
        throw new DomainError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
      }
      if (row.state !== 'done' && this.lapsed(row, at)) {
        // The instance that took the request died with it: whoever moves the lease first runs it again.
        const taken = await this.db('idempotency_keys')
          .where({ client_id: clientId, key, state: 'running' })
          .where((q) => (row.lease_until === null ? q.whereNull('lease_until') : q.where('lease_until', row.lease_until)))
          .update({ lease_until: at + IDEMPOTENCY_LEASE_MS });
        if (taken === 1) return { kind: 'fresh' };
        continue;
      }
      if (row.state !== 'done') {
        throw new ConflictError('idempotency_request_in_progress', 'The first request with this Idempotency-Key is still running.');
      }
      return { kind: 'replay', answer: { status: Number(row.status_code), body: row.response_body as string } };
    }
    throw new ConflictError('idempotency_request_in_progress', 'The first request with this Idempotency-Key is still running.');
  }

  private lapsed(row: { lease_until: number | string | null; created_at: number | string }, at: number): boolean {
    // Keys taken before leases existed hold the default lease from their creation.
    const until = row.lease_until === null ? Number(row.created_at) + IDEMPOTENCY_LEASE_MS : Number(row.lease_until);
    return until <= at;
  }

  /**
   * Runs `request` — the work of a claimed key, up to its answer — in one transaction with everything it writes
   * (request-transaction.ts), and stores the answer in that transaction: the effect and its answer commit
   * together or not at all. An instance killed after the commit leaves the answer for the retry to replay; one
   * killed before it leaves nothing, and the retry runs the request again once the lease lapses.
   */
  async answerWith(clientId: string, key: string, request: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    return runInRequestTransaction(this.db, async (trx) => {
      const answer = await request();
      await new PreparedStatements(trx).run(STORE_ANSWER, [answer.status, answer.body, clientId, key]);
      return answer;
    });
  }

  /** Stores the answer to a request that changed nothing (a refusal). */
  async complete(clientId: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.statements.run(STORE_ANSWER, [answer.status, answer.body, clientId, key]);
  }

  /** Forgets a key whose request failed on our side, so the client can retry it. */
  async release(clientId: string, key: string): Promise<void> {
    await this.db('idempotency_keys').where({ client_id: clientId, key, state: 'running' }).delete();
  }

  /** Drops keys older than the TTL. */
  async prune(): Promise<number> {
    return this.db('idempotency_keys').where('created_at', '<', this.now() - IDEMPOTENCY_TTL_MS).delete();
  }
}
