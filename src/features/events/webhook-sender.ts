import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { epochMs, systemClock, type Clock } from '../../clock.js';
import { outboundUrlProblem, publicOnlyLookup } from '../../http/outbound-url.js';
import { parseRetryAfter } from './retry-schedule.js';

/** What one POST to an endpoint gave. */
export interface SendResult {
  /** The HTTP status; undefined when no answer came (refused URL, network error, timeout). */
  status?: number;
  retryAfterMs?: number;
  /** Why no answer came, a short stable text. */
  error?: string;
  durationMs: number;
}

/** Settings of outbound webhook requests. */
export interface WebhookSenderConfig {
  /** Allows plain http and private, loopback or link-local addresses (sandbox and tests only). */
  allowPrivate: boolean;
  timeoutMs: number;
}

/** The most of an endpoint's answer that is read; a longer one is not a usable answer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** node:net's lookup hook over {@link publicOnlyLookup}: a name that resolves to a private address is refused. */
const publicLookup: LookupFunction = (hostname, options, callback) => {
  publicOnlyLookup(hostname).then(
    ({ address, family }) => (options.all ? callback(null, [{ address, family }]) : callback(null, address, family)),
    (err: NodeJS.ErrnoException) => callback(err, '', 0),
  );
};

/** A short stable text for a request that got no answer. */
function failure(err: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const e = err as { code?: string; name?: string };
  return (e.code ?? e.name ?? 'request_failed').slice(0, 200);
}

/**
 * POSTs one signed delivery: a hard timeout, no redirects followed, never to a private address unless allowed.
 * node:http directly, on keep-alive agents: an attempt is one small POST, and a general client's request
 * pipeline (config merging, interceptors, adapters) cost more than the request itself in the bench profile.
 */
export class WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly config: WebhookSenderConfig) {}

  send(url: string, headers: Record<string, string>, body: string, clock: Clock = systemClock): Promise<SendResult> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    const problem = outboundUrlProblem(url, this.config.allowPrivate);
    if (problem) return Promise.resolve({ error: `url ${problem}`.slice(0, 200), durationMs: 0 });
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const signal = AbortSignal.timeout(this.config.timeoutMs);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const settle = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...r, durationMs: took() });
      };
      const answered = (res: IncomingMessage) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_ANSWER_BYTES) {
            res.destroy();
            settle({ error: 'answer_too_large' });
          }
        });
        res.on('error', (err) => settle({ error: failure(err, signal.aborted) }));
        // The answer is read to its end, so the connection goes back to the agent for the next delivery.
        res.on('end', () => {
          const retryAfter = parseRetryAfter(res.headers['retry-after'], epochMs(clock));
          settle({ status: res.statusCode!, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
        });
      };
      const req = (https ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: https ? this.httpsAgent : this.httpAgent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'zcd-gateway-webhooks/1',
            ...headers,
          },
          signal,
          ...(this.config.allowPrivate ? {} : { lookup: publicLookup }),
        },
        answered,
      );
      req.on('error', (err) => settle({ error: failure(err, signal.aborted) }));
      req.end(body);
    });
  }
}
