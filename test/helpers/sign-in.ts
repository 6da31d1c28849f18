import { expect } from 'vitest';
import { SANDBOX_OIDC_PATH } from '../../src/config.js';
import type { StaffRole } from '../../src/features/staff/staff-store.js';
import { CookieClient, type CookieResponse } from './cookie-client.js';
import type { TestGateway } from './gateway.js';

/** Who to pick on the sandbox provider's login page. */
export type SandboxChoice = { uscc: string } | { subject: string };

/** The sandbox provider's issuer of a test gateway. */
export const sandboxIssuer = (gw: { issuer: string }): string => gw.issuer + SANDBOX_OIDC_PATH;

/** Starts a sign-in and follows the browser to the sandbox provider's login page. */
export async function openLoginPage(client: CookieClient, kind: 'supplier' | 'staff', returnTo?: string): Promise<CookieResponse> {
  const start = await client.get(`/auth/login?as=${kind}${returnTo === undefined ? '' : `&return_to=${encodeURIComponent(returnTo)}`}`);
  expect(start.status, start.text).toBe(302);
  const { response } = await client.follow(start);
  expect(response.status, response.text).toBe(200);
  expect(new URL(response.url).pathname).toMatch(/^\/sandbox\/oidc\/interaction\//);
  return response;
}

/** Picks a person on the login page; the callback URL the provider sends the browser to (not yet requested). */
export async function choose(client: CookieClient, loginPage: CookieResponse, choice: SandboxChoice): Promise<URL> {
  const uid = /\/interaction\/([^/?#]+)/.exec(loginPage.url)![1]!;
  const posted = await client.post(`${SANDBOX_OIDC_PATH}/interaction/${uid}/login`, { form: choice as Record<string, string> });
  expect(posted.status, posted.text).toBe(303);
  const { stoppedAt } = await client.follow(posted, (url) => url.pathname === '/auth/callback');
  expect(stoppedAt, 'the provider sends the browser back to the gateway').toBeDefined();
  return stoppedAt!;
}

/** Signs in through the sandbox provider in a fresh cookie client; the callback's answer. */
export async function signIn(gw: TestGateway, kind: 'supplier' | 'staff', choice: SandboxChoice, o: { client?: CookieClient; returnTo?: string } = {}) {
  const client = o.client ?? new CookieClient(gw.issuer);
  const callback = await choose(client, await openLoginPage(client, kind, o.returnTo), choice);
  const answer = await client.get(callback.href);
  return { client, answer, callback };
}

/** Signs in and expects a session; the client holding it and the session's CSRF token. */
export async function signedIn(gw: TestGateway, kind: 'supplier' | 'staff', choice: SandboxChoice, o: { returnTo?: string } = {}) {
  const { client, answer } = await signIn(gw, kind, choice, o);
  expect(answer.status, answer.text).toBe(303);
  const session = await client.get('/api/v1/session');
  expect(session.status).toBe(200);
  return { client, csrf: session.body.csrf_token as string, session: session.body };
}

/** Registers a member of staff at the sandbox provider (as the operator would). */
export async function registerStaff(gw: TestGateway, regionCode: string, subject: string, role: StaffRole, name = `${role} ${regionCode}`) {
  return gw.signIn.staff.create(undefined, { regionCode, subject, name, role, issuer: sandboxIssuer(gw) });
}

/** Headers of a state-changing request made with a session from the gateway's own pages. */
export const sameOrigin = (gw: { issuer: string }, csrf: string): Record<string, string> => ({ origin: gw.issuer, 'x-csrf-token': csrf });
