import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { components } from './generated/openapi.js';

/** Any event the gateway sends (the `webhooks` of the spec); narrow it on `type`. */
export type WebhookEvent = components['schemas']['Event'];
/** The type names of {@link WebhookEvent}. */
export type WebhookEventType = WebhookEvent['type'];

export { WebhookVerificationError };

/** Plain string headers from node's, the form the verifier takes. */
export function headerRecord(headers: IncomingHttpHeaders | Headers | Record<string, string>): Record<string, string> {
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
}

/**
 * Verifies one delivery with the stock `standardwebhooks` library — the `v1` HMAC-SHA256 signature over
 * `webhook-id.webhook-timestamp.body` with the institution's `whsec_…` secret, and a timestamp within five
 * minutes — and returns the event. Throws {@link WebhookVerificationError} otherwise. Pass the body exactly
 * as received (the raw text, not re-serialized JSON).
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders | Headers | Record<string, string>, body: string): WebhookEvent {
  return new Webhook(secret).verify(body, headerRecord(headers)) as WebhookEvent;
}

/** One request the receiver got, verified or not. */
export interface ReceivedRequest {
  id: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  /** Arrival, in ms since the epoch (sub-millisecond). */
  at: number;
}

/** One verified event, first arrival of its `webhook-id`. */
export interface ReceivedEvent {
  id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  event: WebhookEvent;
  body: string;
  at: number;
}

/** Options of {@link WebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The institution's `whsec_…` secret; may be set later (it is shown when the bank is onboarded). */
  secret?: string;
  /** Called once per new event, after the 2xx answer went out (a bank acknowledges first, then works). */
  onEvent?: (event: ReceivedEvent) => void | Promise<void>;
  /** Called when `onEvent` fails. */
  onError?: (err: unknown, event: ReceivedEvent) => void;
  /**
   * Check signatures (default). `false` makes a receiver that accepts anything — the mistake the conformance
   * self-test must catch; never use it otherwise.
   */
  verify?: boolean;
}

/**
 * A bank's webhook endpoint: verifies each delivery with `standardwebhooks`, answers 400 to anything that
 * does not verify, and processes each `webhook-id` once (a redelivery is acknowledged and ignored — replay
 * protection is the receiver's job, the library checks signature and timestamp). Records every request, so
 * tests, the bench and the demo read what arrived from one place.
 */
export class WebhookReceiver {
  private server: Server | undefined;
  private webhook: Webhook | undefined;
  private waiters: (() => void)[] = [];
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[] = [];
  /** Verified events by `webhook-id`, first arrival of each. */
  readonly events = new Map<string, ReceivedEvent>();
  /** Ids that arrived again after they were processed. */
  readonly replays: string[] = [];
  /** Answers (status, headers, delay) for the next requests, in order; then 204. A test plays a failing bank with it. */
  readonly script: { status: number; headers?: Record<string, string>; delayMs?: number }[] = [];
  /** Delay of every answer not scripted. */
  delayMs = 0;
  /** The URL it listens at, once started. */
  url = '';

  constructor(private readonly options: WebhookReceiverOptions = {}) {
    if (options.secret) this.secret = options.secret;
  }

  /** Sets the secret deliveries are verified with. */
  set secret(s: string) {
    this.webhook = new Webhook(s);
  }

  /** Requests refused (signature, timestamp or no secret yet). */
  get rejected(): number {
    return this.requests.filter((r) => !r.verified).length;
  }

  /** Every verified delivery, redeliveries included, with its parsed body. */
  get deliveries(): { id: string; receivedAt: number; body: Record<string, unknown> }[] {
    return this.requests.filter((r) => r.verified).map((r) => ({ id: r.id, receivedAt: r.at, body: JSON.parse(r.body) as Record<string, unknown> }));
  }

  /** Listens (default: a free port on 127.0.0.1, path `/webhooks`); resolves with its URL. */
  async start(at: { port?: number; host?: string; path?: string } = {}): Promise<string> {
    const host = at.host ?? '127.0.0.1';
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const scripted = this.script.shift();
        // A scripted failure is what a receiver that crashed before processing would answer.
        const { status, fresh } = this.receive(headerRecord(req.headers), body, !scripted || (scripted.status >= 200 && scripted.status < 300));
        const send = () => {
          if (scripted) res.writeHead(scripted.status, scripted.headers ?? {}).end();
          else res.writeHead(status).end();
          for (const w of this.waiters.splice(0)) w();
          if (fresh && this.options.onEvent) {
            Promise.resolve()
              .then(() => this.options.onEvent!(fresh))
              .catch((err: unknown) => this.options.onError?.(err, fresh));
          }
        };
        const delay = scripted?.delayMs ?? this.delayMs;
        if (delay > 0) setTimeout(send, delay);
        else send();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(at.port ?? 0, host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${at.path ?? '/webhooks'}`;
    return this.url;
  }

  /** Verifies and records one delivery; the status a real receiver answers. */
  handle(headers: Record<string, string>, body: string, process = true): number {
    return this.receive(headers, body, process).status;
  }

  private receive(headers: Record<string, string>, body: string, process: boolean): { status: number; fresh?: ReceivedEvent } {
    const at = performance.timeOrigin + performance.now();
    let event: WebhookEvent | undefined;
    try {
      if (this.options.verify === false) event = JSON.parse(body) as WebhookEvent;
      else if (this.webhook) event = this.webhook.verify(body, headers) as WebhookEvent;
    } catch {
      // refused below
    }
    const id = headers['webhook-id'] ?? '';
    this.requests.push({ id, headers, body, verified: event !== undefined, at });
    if (!event) return { status: 400 };
    if (!process) return { status: 500 };
    if (this.events.has(id)) {
      this.replays.push(id);
      return { status: 204 }; // already processed: acknowledge, do nothing
    }
    const fresh: ReceivedEvent = { id, type: event.type, data: event.data as Record<string, unknown>, event, body, at };
    this.events.set(id, fresh);
    return { status: 204, fresh };
  }

  /** Verified events of a type. */
  ofType(type: WebhookEventType | string): ReceivedEvent[] {
    return [...this.events.values()].filter((e) => e.type === type);
  }

  /** Waits until `pred` holds (checked on every request), or fails after `ms`. */
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met in ${ms} ms; got ${[...this.events.values()].map((e) => e.type).join(', ') || 'no events'}`);
      await this.next(50);
    }
  }

  /** The first verified event matching `pred`, waiting up to `ms` for it. */
  async waitFor(pred: (e: ReceivedEvent) => boolean, ms = 10_000): Promise<ReceivedEvent> {
    let hit: ReceivedEvent | undefined;
    await this.until(() => (hit = [...this.events.values()].find(pred)) !== undefined, ms);
    return hit!;
  }

  /** Resolves at the next request or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
