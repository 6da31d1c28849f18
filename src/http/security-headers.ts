import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** What the gateway asks of helmet. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  // The gateway may run on plain http behind a TLS proxy or on a laptop; the proxy sets HSTS.
  strictTransportSecurity: false,
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/**
 * The response headers helmet sets with `options`, captured once by running it against a stub response.
 * With these options every header is the same on every request (no CSP nonces), so one capture holds.
 */
export function helmetHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): [string, string][] {
  const headers: [string, string][] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, String(value)]);
      return res;
    },
    removeHeader() {},
  };
  let called = false;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    called = true;
  });
  // helmet's middleware is synchronous; if a version ever is not, fail at start-up rather than send no headers.
  if (!called) throw new Error('helmet did not finish synchronously');
  return headers;
}

/** Sets helmet's headers with one middleware instead of helmet's dozen (the same names and values). */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): RequestHandler {
  const headers = helmetHeaders(options);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
