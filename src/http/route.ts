import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { DomainError } from '../errors.js';
import { problem } from './problem.js';
import { IdempotencyStore, requestHash } from './idempotency.js';
import type { Principal, Role } from './principal.js';
import type { RouteTable } from './route-table.js';
import { parsePart } from './validate.js';
import { bodyContract, checkBody, cleanRequest } from './edge.js';

/** HTTP methods the gateway publishes. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: anyone; an institution (its token with the `institution` scope; never a session); a
 * bureau, acting in at least `role` (its own token with the `admin` scope counts as `admin`; a member of its
 * staff in a session acts in their registered role); or a supplier (SME: the cloud's token or a session).
 */
/**
 * Who may call a route: anyone; a bank; a bureau in at least a role; a supplier; or `party` — any of a bank, a
 * bureau (any role) or a supplier, each then authorised per object by the handler.
 */
export type Access = { public: true } | { scope: 'institution' } | { scope: 'admin'; role: Role } | { supplier: true } | { party: true };

/** Validated input handed to a route handler. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set on every route that is not public. */
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

/** One published operation: method, spec path, operationId and access in one place. */
export interface RouteDefinition<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** The path as the spec writes it, e.g. `/api/v1/regions/{code}`. */
  path: string;
  operationId: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Status of a successful answer; 200 unless set. */
  successStatus?: number;
  /** Accepts an `Idempotency-Key` (writes from banks and SMEs). */
  idempotent?: boolean;
  /**
   * How this operation words a refusal at the edge (wrong media type, missing body, text that breaks the
   * rule); the problem+json `DomainError` as thrown unless given (the token endpoint answers RFC 6749 errors).
   */
  edgeRefusal?: (refusal: DomainError) => Error;
  /** Returns the JSON body (status 200), or writes the response itself and returns undefined. */
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown;
}

/** Declares a route with its input types inferred from the zod schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  def: RouteDefinition<P, Q, B>,
): RouteDefinition<P, Q, B> {
  return def;
}

/** Authenticates a request for a route's access rule; returns the principal (undefined on public routes). */
export type AccessGuard = (access: Access, req: Request, res: Response) => Promise<Principal | undefined> | Principal | undefined;

const openAccess: AccessGuard = (access) => {
  if (!('public' in access)) {
    throw new DomainError(500, 'access_guard_missing', 'No authentication is configured for a protected route.');
  }
  return undefined;
};

/** What mounting needs besides the routes. */
export interface MountOptions {
  guard?: AccessGuard;
  idempotency?: IdempotencyStore;
}

function principalKey(p: Principal | undefined): string | undefined {
  if (!p) return undefined;
  if (p.kind === 'supplier') return `supplier:${p.uscc}`;
  return p.kind === 'bureau' && p.staffId !== undefined ? `staff:${p.staffId}` : `${p.kind}:${p.clientId}`;
}

/** Adds route definitions to the route table: guard → validate → (idempotency) → handler → JSON. */
export function mountRoutes(
  table: RouteTable,
  routes: readonly RouteDefinition<any, any, any>[], // eslint-disable-line @typescript-eslint/no-explicit-any
  { guard = openAccess, idempotency }: MountOptions = {},
): void {
  for (const route of routes) {
    const contract = bodyContract(route.operationId);
    const handler: RequestHandler = async (req, res) => {
      const principal = await guard(route.access, req, res);
      // The edge, the same for every operation: the body's media type and presence, then the text rule.
      let bodyPresent: boolean;
      let clean: ReturnType<typeof cleanRequest>;
      try {
        bodyPresent = checkBody(req, contract);
        clean = cleanRequest(req, bodyPresent, contract);
      } catch (err) {
        throw err instanceof DomainError && route.edgeRefusal ? route.edgeRefusal(err) : err;
      }
      if (bodyPresent) req.body = clean.body;
      const params = route.params ? parsePart(route.params, clean.params, 'path') : clean.params;
      const query = route.query ? parsePart(route.query, clean.query, 'query') : clean.query;
      const body = route.body ? parsePart(route.body, (bodyPresent ? clean.body : undefined) ?? {}, 'body') : undefined;
      const key = route.idempotent ? IdempotencyStore.parseKey(req.headers['idempotency-key']) : undefined;
      const client = principalKey(principal);
      if (key === undefined || !idempotency || !client) {
        const result = await route.handler({ params, query, body, principal, req, res });
        if (route.successStatus !== undefined) res.status(route.successStatus);
        if (result !== undefined && !res.headersSent) res.json(result);
        return;
      }
      const claim = await idempotency.claim(client, key, requestHash(req.method, req.path, req.body));
      if (claim.kind === 'replay') {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.answer.status).type(claim.answer.status >= 400 ? 'application/problem+json' : 'application/json');
        res.send(claim.answer.body);
        return;
      }
      let answered = false;
      try {
        // The handler's writes and the stored answer commit in one transaction.
        const answer = await idempotency.answerWith(client, key, async () => {
          const result = await route.handler({ params, query, body, principal, req, res });
          return { status: route.successStatus ?? res.statusCode, body: JSON.stringify(result) };
        });
        answered = true;
        res.status(answer.status).type('application/json').send(answer.body);
      } catch (err) {
        // A refusal is an answer and replays (its transaction rolled back: it changed nothing); a failure of
        // ours frees the key for a retry. Once the answer is committed, it stands whatever befalls the reply.
        if (answered) throw err;
        if (err instanceof DomainError && err.status < 500) {
          const p = problem(err.status, err.code, err.message, err.extra);
          await idempotency.complete(client, key, { status: err.status, body: JSON.stringify(p) });
        } else {
          await idempotency.release(client, key);
        }
        throw err;
      }
    };
    table.add(route.method, route.path, handler);
  }
}
