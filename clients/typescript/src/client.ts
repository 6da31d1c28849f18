import { randomUUID } from 'node:crypto';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { GatewayAuth, type Credentials } from './auth.js';
import type { paths } from './generated/openapi.js';

/** Options of {@link createGatewayClient}. */
export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `https://zcd.example.cn`. */
  gateway: string;
  /** The client id and private key; without them, only public operations work. */
  credentials?: Credentials;
  /** How many times a request is sent again after a network error or a 503 (default 3). */
  retries?: number;
  /** First wait before a retry, doubled each time (default 200 ms); a `Retry-After` header wins. */
  retryDelayMs?: number;
  /** The fetch the client sends with (tests wrap it to count or to fail on purpose). */
  fetch?: typeof fetch;
  /** A fresh idempotency key (default `crypto.randomUUID`). */
  idempotencyKey?: () => string;
  /** The clock token renewal reads (default `Date.now`). */
  now?: () => number;
}

/** The typed client: `api` is openapi-fetch over the published spec; `auth` its token source. */
export interface GatewayClient {
  api: Client<paths>;
  auth: GatewayAuth | undefined;
  gateway: URL;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every write carries an `Idempotency-Key` unless the caller set one, so that a retry is answered, not redone. */
const idempotencyKeys = (fresh: () => string): Middleware => ({
  onRequest({ request }) {
    if (WRITES.has(request.method) && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', fresh());
    return request;
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds of a `Retry-After` header, when it is a number of seconds. */
function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), 30) * 1000;
}

/**
 * A client for the zcd-gateway API. Every request goes out with a fresh DPoP proof and a valid token (when
 * credentials are given); every write with an `Idempotency-Key`. A request is sent again — with the same key
 * and body — after a network error or a 503, only when that is safe: a read, or a write with a key (the
 * gateway answers a repeated key with the first answer and does the work once).
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const gateway = new URL(options.gateway.replace(/\/+$/, '') + '/');
  const baseFetch = options.fetch ?? fetch;
  const auth = options.credentials ? new GatewayAuth(gateway, options.credentials, baseFetch, options.now) : undefined;
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 200;

  const send = async (request: Request): Promise<Response> => {
    const method = request.method.toUpperCase();
    const url = new URL(request.url);
    const body = method === 'GET' || method === 'HEAD' ? undefined : await request.arrayBuffer();
    const safe = !WRITES.has(method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = auth
          ? await auth.request(method, url, request.headers, body)
          : await baseFetch(url, { method, headers: request.headers, ...(body ? { body } : {}), redirect: 'manual' });
      } catch (err) {
        if (!safe || attempt >= retries || !isNetworkError(err)) throw err;
        await sleep(delay * 2 ** attempt);
        continue;
      }
      if (res.status !== 503 || !safe || attempt >= retries) return res;
      await res.body?.cancel();
      await sleep(retryAfterMs(res) ?? delay * 2 ** attempt);
    }
  };

  const api = createClient<paths>({ baseUrl: gateway.href.replace(/\/$/, ''), fetch: send });
  api.use(idempotencyKeys(options.idempotencyKey ?? randomUUID));
  return { api, auth, gateway };
}

/** A failure to reach the server at all, as fetch reports it (not an answer, not a bug in our code). */
function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return false;
  return err instanceof TypeError && /fetch failed|network|socket|ECONNRESET|ECONNREFUSED|other side closed/i.test(`${err.message} ${String((err as { cause?: { code?: string } }).cause?.code ?? '')}`);
}
