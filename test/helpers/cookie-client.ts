import { expect } from 'vitest';
import { specViolation } from './spec.js';

/** A response as the cookie client sees it. */
export interface CookieResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed when the answer is JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The absolute URL that answered. */
  url: string;
}

/** Options of one request. */
export interface CookieRequestOptions {
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
}

interface Cookie {
  value: string;
  path: string;
}

/**
 * An HTTP client that keeps cookies the way a browser on one loopback host does (by name and path; Secure
 * is honoured as browsers honour it on http://127.0.0.1) and never follows redirects by itself, so a test
 * sees and can tamper with every hop of a sign-in. Answers of the gateway's published operations are
 * checked against the spec; the sandbox provider's pages are not part of it.
 */
export class CookieClient {
  private readonly jar = new Map<string, Cookie>();

  constructor(readonly baseUrl: string) {}

  /** The value of a cookie held for `path` (the most specific path first), if any. */
  cookie(name: string, path = '/'): string | undefined {
    return this.matching(path).find(([n]) => n === name)?.[1].value;
  }

  /** Sets a cookie as if the server had (for tests that bring a foreign or stale cookie). */
  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(`${name};${path}`, { value, path });
  }

  /** Forgets every cookie (a fresh browser). */
  clear(): void {
    this.jar.clear();
  }

  async request(method: string, urlOrPath: string, opts: CookieRequestOptions = {}): Promise<CookieResponse> {
    const url = new URL(urlOrPath, this.baseUrl);
    if (url.origin !== new URL(this.baseUrl).origin) throw new Error(`the cookie client stays on ${this.baseUrl}, not ${url.origin}`);
    const headers: Record<string, string> = { ...opts.headers };
    const cookies = this.matching(url.pathname).map(([name, c]) => `${name}=${c.value}`);
    if (cookies.length) headers.cookie = cookies.join('; ');
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.form !== undefined) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line, url.pathname);
    const text = await res.text();
    const type = res.headers.get('content-type');
    const parsed: unknown = type && /json/.test(type) && text.length ? JSON.parse(text) : text;
    if (!url.pathname.startsWith('/sandbox/')) {
      const violation = specViolation(method, url.pathname, res.status, type, res.status >= 300 && res.status < 400 ? '' : parsed);
      expect(violation, `${method} ${url.pathname} → ${res.status}`).toBeUndefined();
    }
    return { status: res.status, headers: res.headers, text, body: parsed, url: url.href };
  }

  get(urlOrPath: string, opts?: CookieRequestOptions) {
    return this.request('GET', urlOrPath, opts);
  }

  post(urlOrPath: string, opts?: CookieRequestOptions) {
    return this.request('POST', urlOrPath, opts);
  }

  /**
   * Follows redirects from `res` (GET, as browsers do after 302/303) until an answer that is not a redirect,
   * or until the next hop satisfies `stopAt` — then that hop's URL is returned unrequested.
   */
  async follow(res: CookieResponse, stopAt?: (url: URL) => boolean): Promise<{ response: CookieResponse; stoppedAt?: URL }> {
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { response: res };
      const next = new URL(location, res.url);
      if (stopAt?.(next)) return { response: res, stoppedAt: next };
      res = await this.get(next.href);
    }
    throw new Error('more than 10 redirects');
  }

  private matching(path: string): [string, Cookie][] {
    return [...this.jar.entries()]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : c.path + '/'))
      .sort((a, b) => b[1].path.length - a[1].path.length)
      .map(([key, c]) => [key.slice(0, key.lastIndexOf(';')), c]);
  }

  private store(line: string, requestPath: string): void {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    let path = requestPath.slice(0, requestPath.lastIndexOf('/')) || '/';
    let expired = false;
    for (const attr of attrs) {
      const [k, v = ''] = attr.split('=');
      const key = k!.trim().toLowerCase();
      if (key === 'path') path = v.trim();
      if (key === 'max-age' && Number(v) <= 0) expired = true;
      if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
    }
    // What browsers enforce for the prefix: a __Host- cookie needs Secure, Path=/ and no Domain.
    if (name.startsWith('__Host-')) {
      const lower = attrs.map((a) => a.trim().toLowerCase());
      if (!lower.includes('secure') || path !== '/' || lower.some((a) => a.startsWith('domain='))) return;
    }
    if (expired) this.jar.delete(`${name};${path}`);
    else this.jar.set(`${name};${path}`, { value, path });
  }
}
