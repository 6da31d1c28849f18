import createFetchClient, { type Middleware } from 'openapi-fetch';
import createQueryHooks from 'openapi-react-query';
import type { components, paths } from '../../../generated/openapi.js';

/** Every operation the pages may call: the published spec. */
export type ApiPaths = paths;

/** An RFC 9457 problem document, as every error of the API is. */
export type Problem = components['schemas']['Problem'];

let csrfToken: string | undefined;

/** Remembers the session's CSRF token (from `getSession`); every later non-GET request carries it. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Adds `X-CSRF-Token` to every state-changing request; the gateway refuses a session's write without it. */
export const csrfHeader: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/**
 * The one client of the gateway's API in the pages: same origin (the session cookie goes along), typed by
 * the generated spec types. Call the API only through it or through {@link $api}'s hooks.
 */
export const api = createFetchClient<ApiPaths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrfHeader);

/** TanStack Query hooks on {@link api}: `$api.useQuery('get', '/api/v1/…', init)`, `$api.useMutation(…)`. */
export const $api = createQueryHooks(api);

/** The HTTP status of an error an API hook threw (a problem document), or undefined for a network failure. */
export function problemStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') return error.status;
  return undefined;
}
