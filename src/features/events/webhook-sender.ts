import axios, { type AxiosInstance } from 'axios';
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

/** POSTs one signed delivery: a hard timeout, no redirects followed, never to a private address unless allowed. */
export class WebhookSender {
  private readonly http: AxiosInstance;

  constructor(
    private readonly config: WebhookSenderConfig,
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create();
  }

  async send(url: string, headers: Record<string, string>, body: string, clock: Clock = systemClock): Promise<SendResult> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    const problem = outboundUrlProblem(url, this.config.allowPrivate);
    if (problem) return { error: `url ${problem}`.slice(0, 200), durationMs: 0 };
    try {
      const res = await this.http.post(url, body, {
        headers: { 'content-type': 'application/json', 'user-agent': 'zcd-gateway-webhooks/1', ...headers },
        timeout: this.config.timeoutMs,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        maxRedirects: 0,
        maxContentLength: 64 * 1024,
        responseType: 'text',
        transformRequest: [(d: unknown) => d],
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        ...(this.config.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      });
      const retryAfter = parseRetryAfter(res.headers['retry-after'] as string | undefined, epochMs(clock));
      return { status: res.status, durationMs: took(), ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) };
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string }; name?: string };
      const code = e.cause?.code ?? e.code ?? e.name ?? 'request_failed';
      return { error: (code === 'ERR_CANCELED' || code === 'ECONNABORTED' || code === 'TimeoutError' ? 'timeout' : code).slice(0, 200), durationMs: took() };
    }
  }
}
