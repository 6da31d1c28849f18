// TEMPORARY — delete this file when the sign-in branch's `getSession` and `signOut` are in main and
// src/generated/openapi.ts has them: then the client takes `paths` alone and `Session` becomes
// `components['schemas']['Session']` (or whatever name the spec gives it). Written against
// /work/notes/signin-contract.md; nothing else in the web app may declare API types by hand.
import type { components } from '../../../generated/openapi.js';

type Problem = components['schemas']['Problem'];

/** The signed-in person, as `getSession` answers (the sign-in contract). */
export interface Session {
  kind: 'supplier' | 'staff';
  name: string;
  organisation: { name: string; uscc?: string; region_code?: string; region_name?: string };
  role?: 'admin' | 'reviewer' | 'viewer';
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

type ProblemAnswer = { headers: { [name: string]: unknown }; content: { 'application/problem+json': Problem } };
type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };

/** `getSession` and `signOut` as openapi-typescript will generate them once the spec has them. */
export interface SessionPaths {
  '/api/v1/session': {
    parameters: NoParameters;
    get: {
      parameters: NoParameters;
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': Session } };
        401: ProblemAnswer;
      };
    };
  };
  '/auth/logout': {
    parameters: NoParameters;
    post: {
      parameters: NoParameters;
      requestBody?: never;
      responses: {
        204: { headers: { [name: string]: unknown }; content?: never };
        401: ProblemAnswer;
        403: ProblemAnswer;
      };
    };
  };
}
