import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { expect } from 'vitest';
import { specViolation } from './spec.js';
import { clientErrorAnswer } from '../../src/http/problem.js';

/** A response as a test sees it; the body parsed when it is JSON. */
export interface TestResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Options of one request. */
export interface RequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body, sent as is. */
  raw?: string | Buffer;
  /** Skip the check against the published spec (only for requests the spec cannot describe). */
  unchecked?: boolean;
}

/** An app listening on an ephemeral loopback port; every response is checked against the spec. */
export class TestClient {
  private constructor(
    readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static start(app: Express): Promise<TestClient> {
    return TestClient.startWith(() => app);
  }

  /** Serves the app `make` builds once the base URL (the issuer) is known. */
  static async startWith(make: (baseUrl: string) => Express): Promise<TestClient> {
    const server = createServer();
    // As src/server.ts does: the HTTP server's own refusals are problem+json too.
    server.on('clientError', clientErrorAnswer);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    server.on('request', make(baseUrl));
    return new TestClient(server, baseUrl);
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Buffer | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type');
    let parsed: unknown = text;
    if (type && /json/.test(type) && text.length) parsed = JSON.parse(text);
    if (!opts.unchecked) {
      const violation = specViolation(method, path, res.status, type, parsed);
      expect(violation, `${method} ${path} → ${res.status}`).toBeUndefined();
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, opts?: RequestOptions) { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.request<T>('GET', path, opts);
  }
  post<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.request<T>('POST', path, { ...opts, body });
  }
  put<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.request<T>('PUT', path, { ...opts, body });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
