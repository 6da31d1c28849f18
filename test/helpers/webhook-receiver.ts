import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, verified or not. */
export interface ReceivedRequest {
  id: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  at: number;
}

/**
 * A bank's webhook endpoint written with the stock `standardwebhooks` library: verifies each delivery, and
 * processes each `webhook-id` once (the library checks signature and timestamp; replay protection is the
 * receiver's job).
 */
export class TestReceiver {
  private server: Server | undefined;
  private webhook: Webhook | undefined;
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[] = [];
  /** Verified events, first arrival of each id. */
  readonly events = new Map<string, { type: string; data: Record<string, unknown>; body: string; at: number }>();
  /** Ids refused as replays. */
  readonly replays: string[] = [];
  /** Answers (status, headers, delay) for the next requests, in order; then 204. */
  readonly script: { status: number; headers?: Record<string, string>; delayMs?: number }[] = [];
  /** Delay of every answer not scripted. */
  delayMs = 0;
  private waiters: (() => void)[] = [];
  url = '';

  /** Sets the secret deliveries are verified with. */
  set secret(s: string) {
    this.webhook = new Webhook(s);
  }

  /** Listens on a free loopback port. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const scripted = this.script.shift();
        // A scripted failure is what a receiver that crashed before processing would answer.
        const answer = this.handle(headers, body, !scripted || (scripted.status >= 200 && scripted.status < 300));
        const send = () => {
          if (scripted) res.writeHead(scripted.status, scripted.headers ?? {}).end();
          else res.writeHead(answer).end();
          for (const w of this.waiters.splice(0)) w();
        };
        const delay = scripted?.delayMs ?? this.delayMs;
        if (delay > 0) setTimeout(send, delay);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this.url;
  }

  /** Verifies and records; the status a real receiver would answer. */
  handle(headers: Record<string, string>, body: string, process = true): number {
    const at = performance.timeOrigin + performance.now();
    let verified = false;
    try {
      this.webhook!.verify(body, headers);
      verified = true;
    } catch {
      // refused below
    }
    const id = headers['webhook-id'] ?? '';
    this.requests.push({ id, headers, body, verified, at });
    if (!verified) return 400;
    if (!process) return 500;
    if (this.events.has(id)) {
      this.replays.push(id);
      return 204; // already processed: acknowledge, do nothing
    }
    const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
    this.events.set(id, { type: parsed.type, data: parsed.data, body, at });
    return 204;
  }

  /** Waits until `pred` holds (checked on every request), or fails after `ms`. */
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${ms} ms; got ${[...this.events.values()].map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The verified events of a type. */
  ofType(type: string) {
    return [...this.events.entries()].filter(([, e]) => e.type === type).map(([id, e]) => ({ id, ...e }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
