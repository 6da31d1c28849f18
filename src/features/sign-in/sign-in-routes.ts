import type { Response } from 'express';
import { defineRoute } from '../../http/route.js';
import { clearedCookie, FLOW_COOKIE, hostCookie, readCookie, SESSION_COOKIE } from '../sessions/session-cookies.js';
import { NoSessionError, type SessionGate } from '../sessions/session-gate.js';
import type { SessionService } from '../sessions/session-service.js';
import type { RelyingPartyKeys } from './relying-party-keys.js';
import { SignInError } from './sign-in-errors.js';
import { completeSignInQuery, startSignInQuery } from './sign-in-schemas.js';
import { SIGN_IN_STYLESHEET, SIGN_IN_STYLESHEET_PATH, signInErrorPage } from './sign-in-pages.js';
import { FLOW_TTL_MS, type SignInService } from './sign-in-service.js';

function answerPage(res: Response, err: unknown): void {
  if (!(err instanceof SignInError)) throw err;
  res.status(err.status).type('text/html; charset=utf-8').send(signInErrorPage(err));
}

/**
 * The sign-in routes people's browsers follow: start (to the identity provider), callback (a session, or a
 * page saying why not), sign-out; and the relying-party JWKS the providers verify the gateway's assertions with.
 */
export function createSignInRoutes(deps: { signIn: SignInService; sessions: SessionService; gate: SessionGate; keys: RelyingPartyKeys; issuer: string }) {
  const { signIn, sessions, gate, keys } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/auth/login',
      operationId: 'startSignIn',
      access: { public: true },
      query: startSignInQuery,
      handler: async ({ query, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        try {
          const { redirect, flowSecret } = await signIn.start(query.as, query.return_to);
          res.setHeader('Set-Cookie', hostCookie(FLOW_COOKIE, flowSecret, FLOW_TTL_MS / 1000));
          // No body: the spec's 302 has none (express's redirect() would add a text one).
          res.status(302).location(redirect.href).end();
        } catch (err) {
          answerPage(res, err);
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/callback',
      operationId: 'completeSignIn',
      access: { public: true },
      query: completeSignInQuery,
      handler: async ({ req, query, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        // The flow cookie is spent whatever the outcome.
        const cookies = [clearedCookie(FLOW_COOKIE)];
        try {
          const url = new URL(req.originalUrl, deps.issuer);
          const { sessionSecret, returnTo } = await signIn.complete(readCookie(req.headers.cookie, FLOW_COOKIE), { url, state: query.state }, gate.secretOf(req));
          cookies.push(hostCookie(SESSION_COOKIE, sessionSecret, sessions.maxAgeSeconds));
          res.setHeader('Set-Cookie', cookies);
          res.status(303).location(returnTo).end();
        } catch (err) {
          res.setHeader('Set-Cookie', cookies);
          answerPage(res, err);
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'signOut',
      access: { public: true },
      successStatus: 204,
      handler: async ({ req, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        const live = await gate.check(req);
        if (!live) throw new NoSessionError();
        await sessions.end(live.secret);
        res.setHeader('Set-Cookie', clearedCookie(SESSION_COOKIE));
        res.status(204).end();
      },
    }),
    defineRoute({
      method: 'get',
      path: SIGN_IN_STYLESHEET_PATH,
      operationId: 'getSignInStylesheet',
      access: { public: true },
      handler: ({ res }) => {
        res.setHeader('Cache-Control', 'public, max-age=3600');
        res.type('text/css; charset=utf-8').send(SIGN_IN_STYLESHEET);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/jwks.json',
      operationId: 'getSignInJwks',
      access: { public: true },
      handler: async ({ res }) => {
        res.setHeader('Cache-Control', 'public, max-age=60');
        return keys.jwks();
      },
    }),
  ];
}
