import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import type { SignInConfig } from '../../config.js';
import { SECRET_PATTERN } from './session-cookies.js';
import type { SessionPerson, SessionStore, StoredSession } from './sessions-store.js';

/** A live session as a request sees it, with its token against cross-site requests. */
export type LiveSession = StoredSession & {
  /** The `X-CSRF-Token` a state-changing request with this session must carry. */
  csrfToken: string;
  /** When the session ends if unused (epoch milliseconds). */
  idleExpiresAt: number;
};

/** A new secret for a cookie: 32 random bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** How a cookie secret is stored: its SHA-256, hex. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** The CSRF token of a session: derived from its secret, so it is never stored and changes with every sign-in. */
const csrfTokenOf = (secret: string): string => createHmac('sha256', secret).update('zcd-csrf-v1').digest('base64url');

/** Whether `presented` is the CSRF token of the session `secret`, compared in constant time. */
export function csrfMatches(secret: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(secret));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Sessions in the database behind an opaque cookie: a new secret at every sign-in, only its hash stored, an
 * idle and an absolute limit. The last-seen time is written at most once a minute (not on every request).
 */
export class SessionService {
  private readonly clock: Clock;
  private readonly touchEveryMs: number;

  constructor(
    private readonly deps: { store: SessionStore; config: Pick<SignInConfig, 'sessionIdleMs' | 'sessionAbsoluteMs'>; clock?: Clock },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.touchEveryMs = Math.min(60_000, Math.floor(deps.config.sessionIdleMs / 10));
  }

  /** The cookie's lifetime in seconds: the absolute limit. */
  get maxAgeSeconds(): number {
    return Math.floor(this.deps.config.sessionAbsoluteMs / 1000);
  }

  /** Starts a session for `person`; returns the secret for the cookie. Clears out sessions and flows that are over. */
  async start(person: SessionPerson): Promise<string> {
    const now = this.clock().getTime();
    await this.deps.store.purge(now, this.deps.config.sessionIdleMs);
    const secret = newSecret();
    await this.deps.store.createSession(secretHash(secret), { ...person, createdAt: now, lastSeenAt: now, expiresAt: now + this.deps.config.sessionAbsoluteMs });
    return secret;
  }

  /** The live session of a cookie secret, its idle timer restarted; undefined (and deleted) when over. */
  async resolve(secret: string | undefined): Promise<LiveSession | undefined> {
    if (secret === undefined || !SECRET_PATTERN.test(secret)) return undefined;
    const idHash = secretHash(secret);
    const session = await this.deps.store.findSession(idHash);
    if (!session) return undefined;
    const now = this.clock().getTime();
    const { sessionIdleMs } = this.deps.config;
    if (now >= session.expiresAt || now >= session.lastSeenAt + sessionIdleMs) {
      await this.deps.store.deleteSession(idHash);
      return undefined;
    }
    let lastSeenAt = session.lastSeenAt;
    if (now - lastSeenAt >= this.touchEveryMs) {
      await this.deps.store.touchSession(idHash, now);
      lastSeenAt = now;
    }
    return {
      ...session,
      lastSeenAt,
      csrfToken: csrfTokenOf(secret),
      idleExpiresAt: Math.min(session.expiresAt, lastSeenAt + sessionIdleMs),
    };
  }

  /** Ends the session of a cookie secret (nothing happens for an unknown one). */
  async end(secret: string): Promise<void> {
    if (SECRET_PATTERN.test(secret)) await this.deps.store.deleteSession(secretHash(secret));
  }
}
