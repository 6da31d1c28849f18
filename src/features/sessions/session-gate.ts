import type { Request } from 'express';
import { DomainError, ForbiddenError } from '../../errors.js';
import { readCookie, SESSION_COOKIE } from './session-cookies.js';
import { csrfMatches, type LiveSession, type SessionService } from './session-service.js';

/** The header a state-changing request made with a session carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 401: the request needs a live session and has none (no cookie, unknown, expired or ended). */
export class NoSessionError extends DomainError {
  constructor() {
    super(401, 'unauthenticated', 'There is no live session; sign in again.');
  }
}

/**
 * What a request made with the session cookie must show: a live session, and for a state-changing method a
 * same-origin `Origin` and the session's CSRF token in `X-CSRF-Token` (403 `origin_mismatch` or
 * `csrf_failed` otherwise). SameSite=Lax already keeps the cookie off cross-site POSTs in current browsers;
 * these checks hold where that does not (older browsers, same-site subdomains).
 */
export class SessionGate {
  private readonly origin: string;

  constructor(
    private readonly sessions: SessionService,
    issuer: string,
  ) {
    this.origin = new URL(issuer).origin;
  }

  /** The session cookie's secret, if the request carries one. */
  secretOf(req: Request): string | undefined {
    return readCookie(req.headers.cookie, SESSION_COOKIE);
  }

  /**
   * The live session of the request, checked as a state-changing method needs; undefined when the request
   * carries no session cookie or its session is over (expired, ended, unknown).
   */
  async check(req: Request): Promise<{ secret: string; session: LiveSession } | undefined> {
    const secret = this.secretOf(req);
    if (secret === undefined) return undefined;
    const session = await this.sessions.resolve(secret);
    if (!session) return undefined;
    if (!SAFE_METHODS.has(req.method)) {
      if (req.headers.origin !== this.origin) {
        throw new ForbiddenError('origin_mismatch', 'A request made with a session must come from the pages of this gateway (same-origin Origin header).');
      }
      const token = req.headers[CSRF_HEADER];
      if (!csrfMatches(secret, typeof token === 'string' ? token : undefined)) {
        throw new ForbiddenError('csrf_failed', 'A request made with a session must carry the X-CSRF-Token header of the session.');
      }
    }
    return { secret, session };
  }
}
