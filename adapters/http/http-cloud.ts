import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { verifyNotification } from '../cloud-signature.js';
import {
  CloudError,
  CloudNotFoundError,
  CloudProtocolError,
  CloudSignatureError,
  CloudUnavailableError,
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
import { CircuitBreaker } from './circuit-breaker.js';
import { CloudKeyCache } from './cloud-key-cache.js';
import { accountChangeFromWire, changeFromWire, contractFromWire, wireAccountRelease, wireChangePage } from './wire.js';

/** What the HTTP adapter is built from. */
export interface HttpCloudOptions {
  /** The cloud's base URL; also its issuer identifier. */
  baseUrl: string;
  /** The gateway's credential at the cloud (sent as a bearer token). */
  credential: string;
  /** Deadline of one HTTP attempt, from sending the request to the last byte of the answer. */
  timeoutMs: number;
  /** Retries of idempotent calls after the first attempt. */
  retries?: number;
  backoffBaseMs?: number;
  http?: AxiosInstance;
  breaker?: CircuitBreaker;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called once per HTTP attempt, for metrics. */
  onAttempt?: (operation: string, outcome: 'ok' | 'error') => void;
  /** The cloud's keys: how long they are cached, and the least time between two early fetches for an unknown `kid`. */
  keys?: { ttlMs?: number; cooldownMs?: number };
  /** The clock of the key cache. */
  now?: () => number;
}

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(20) });

/** The procurement cloud over HTTP, as api-spec/procurement-cloud.yaml describes it. */
export class HttpProcurementCloud implements ProcurementCloud {
  private readonly http: AxiosInstance;
  private readonly breaker: CircuitBreaker;
  private readonly keyCache: CloudKeyCache;

  constructor(private readonly opts: HttpCloudOptions) {
    this.http = opts.http ?? axios.create();
    this.breaker = opts.breaker ?? new CircuitBreaker();
    this.keyCache = new CloudKeyCache({ fetch: () => this.fetchKeys(), ...opts.keys, ...(opts.now ? { now: opts.now } : {}) });
  }

  private async call<T>(operation: string, config: AxiosRequestConfig, idempotent: boolean, accept404 = false): Promise<{ status: number; data: T }> {
    const attempts = idempotent ? (this.opts.retries ?? 3) + 1 : 1;
    return this.breaker.run(
      async () => {
        for (let attempt = 1; ; attempt++) {
          // axios's `timeout` only bounds silence: a cloud dripping a byte now and then would hold the call open.
          // The signal is a deadline for the whole exchange, the body included.
          const deadline = AbortSignal.timeout(this.opts.timeoutMs);
          try {
            const res = await this.http.request<T>({
              ...config,
              baseURL: this.opts.baseUrl,
              timeout: this.opts.timeoutMs,
              signal: deadline,
              headers: { Accept: 'application/json', Authorization: `Bearer ${this.opts.credential}`, ...config.headers },
              validateStatus: (s) => (s >= 200 && s < 300) || (accept404 && s === 404),
              maxRedirects: 0,
              responseType: 'json',
            });
            this.opts.onAttempt?.(operation, 'ok');
            return { status: res.status, data: res.data };
          } catch (err) {
            this.opts.onAttempt?.(operation, 'error');
            const failure = this.classify(operation, err, deadline.aborted);
            if (!(failure instanceof CloudUnavailableError) || attempt >= attempts) throw failure;
            // Full jitter around an exponential step, so retrying gateways do not march in step.
            const step = (this.opts.backoffBaseMs ?? 200) * 2 ** (attempt - 1);
            await (this.opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(Math.min(10_000, step * (0.5 + (this.opts.random ?? Math.random)())));
          }
        }
      },
      (err) => err instanceof CloudUnavailableError,
    );
  }

  private classify(operation: string, err: unknown, pastDeadline: boolean): CloudError {
    if (pastDeadline || axios.isCancel(err)) {
      return new CloudUnavailableError('timeout', `${operation}: no whole answer within ${this.opts.timeoutMs} ms`, { cause: err });
    }
    if (err instanceof AxiosError) {
      const status = err.response?.status;
      if (status === undefined) {
        const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
        return new CloudUnavailableError(timedOut ? 'timeout' : 'unreachable', `${operation}: ${timedOut ? 'timed out' : 'no answer'}`, { cause: err });
      }
      if (status >= 500 || status === 429) return new CloudUnavailableError('upstream_error', `${operation}: the cloud answered ${status}`, { cause: err });
      if (status === 404) return new CloudNotFoundError('not_found', `${operation}: not found at the cloud`, { cause: err });
      return new CloudProtocolError('rejected', `${operation}: the cloud refused the request with ${status}`, { cause: err });
    }
    return new CloudProtocolError('bad_response', `${operation}: unreadable answer`, { cause: err });
  }

  private parse<T>(operation: string, schema: z.ZodType<T>, data: unknown): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new CloudProtocolError('malformed_response', `${operation}: the answer does not match the interface`, { cause: parsed.error });
    return parsed.data;
  }

  async listChanges(cursor: string | undefined, limit: number): Promise<ChangePage> {
    const { data } = await this.call<unknown>('listChanges', { method: 'GET', url: '/v1/changes', params: { ...(cursor === undefined ? {} : { cursor }), limit } }, true);
    const page = this.parse('listChanges', wireChangePage, data);
    if (cursor !== undefined && BigInt(page.next_cursor) < BigInt(cursor)) {
      throw new CloudProtocolError('cursor_regression', `listChanges: the cursor went back from ${cursor} to ${page.next_cursor}`);
    }
    return {
      entries: page.records.map(changeFromWire),
      nextCursor: page.next_cursor,
      hasMore: page.has_more,
      ...(page.remaining === undefined ? {} : { remaining: page.remaining }),
    };
  }

  async getContract(contractNo: string): Promise<Contract | undefined> {
    const { status, data } = await this.call<unknown>('getContract', { method: 'GET', url: `/v1/contracts/${encodeURIComponent(contractNo)}` }, true, true);
    if (status === 404) return undefined;
    try {
      return contractFromWire(data);
    } catch (err) {
      throw new CloudProtocolError('malformed_response', 'getContract: the contract does not match the interface', { cause: err });
    }
  }

  async requestCollectionAccountChange(contractNo: string, account: CollectionAccount, financingRef: string): Promise<CollectionAccountChange> {
    const { data } = await this.call<unknown>(
      'requestCollectionAccountChange',
      {
        method: 'POST',
        url: `/v1/contracts/${encodeURIComponent(contractNo)}/collection-account-changes`,
        data: { financingRef, payee: { bankName: account.bankName, accountName: account.accountName, accountNo: account.accountNo } },
      },
      false,
    );
    return this.accountChange('requestCollectionAccountChange', data);
  }

  async getCollectionAccountChange(ref: string): Promise<CollectionAccountChange | undefined> {
    const { status, data } = await this.call<unknown>(
      'getCollectionAccountChange',
      { method: 'GET', url: `/v1/collection-account-changes/${encodeURIComponent(ref)}` },
      true,
      true,
    );
    return status === 404 ? undefined : this.accountChange('getCollectionAccountChange', data);
  }

  async releaseCollectionAccount(contractNo: string, changeRef: string, financingRef: string): Promise<CollectionAccountRelease> {
    // Not retried here: the financing service asks again until the cloud confirms, and shows it pending meanwhile.
    const { data } = await this.call<unknown>(
      'releaseCollectionAccount',
      { method: 'POST', url: `/v1/collection-account-changes/${encodeURIComponent(changeRef)}/release`, data: { contractCode: contractNo, financingRef } },
      false,
    );
    const r = this.parse('releaseCollectionAccount', wireAccountRelease, data);
    return { changeRef: r.changeRef, contractNo: r.contractCode, status: r.status === 'RELEASED' ? 'released' : 'pending' };
  }

  private accountChange(operation: string, data: unknown): CollectionAccountChange {
    try {
      return accountChangeFromWire(data);
    } catch (err) {
      throw new CloudProtocolError('malformed_response', `${operation}: the answer does not match the interface`, { cause: err });
    }
  }

  keys(kid?: string): Promise<CloudKeys> {
    return this.keyCache.get(kid);
  }

  private async fetchKeys(): Promise<CloudKeys> {
    const { data } = await this.call<unknown>('getJwks', { method: 'GET', url: '/.well-known/jwks.json' }, true);
    const jwks = this.parse('getJwks', jwksSchema, data);
    return { issuer: this.opts.baseUrl, jwks: jwks as CloudKeys['jwks'] };
  }

  async readNotification(jws: string): Promise<ChangeEntry[]> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(jws).kid;
    } catch (err) {
      throw new CloudSignatureError('invalid_jws', 'the notification is not a JWS', { cause: err });
    }
    const records = await verifyNotification(jws, await this.keys(kid));
    return records.map(changeFromWire);
  }

  health(): CloudHealth {
    const circuit = this.breaker.state;
    return circuit === 'open' ? { ok: false, circuit, detail: 'circuit open: the cloud is failing' } : { ok: true, circuit };
  }
}
