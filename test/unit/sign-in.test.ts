import { describe, expect, it } from 'vitest';
import { readCookie, hostCookie } from '../../src/features/sessions/session-cookies.js';
import { csrfMatches, SessionService, secretHash } from '../../src/features/sessions/session-service.js';
import type { SessionStore, StoredSession } from '../../src/features/sessions/sessions-store.js';
import { flowChecks, safeReturnTo } from '../../src/features/sign-in/sign-in-service.js';

describe('return_to', () => {
  it.each([
    ['/portal', '/portal'],
    ['/console/institutions?status=active#top', '/console/institutions?status=active#top'],
    ['/portal/', '/portal/'],
    ['/portalx', '/portal'],
    ['//evil.example/portal', '/portal'],
    ['/\\evil.example', '/portal'],
    ['/portal\\..\\x', '/portal'],
    ['https://evil.example/portal', '/portal'],
    ['/portal/a b', '/portal'],
    ['/portal/\u0000', '/portal'],
    [['/portal', '/console'], '/portal'],
    [undefined, '/portal'],
    ['/portal/' + 'a'.repeat(520), '/portal'],
  ])('keeps only same-origin portal/console paths: %j → %s', (given, expected) => {
    expect(safeReturnTo('supplier', given)).toBe(expected);
  });

  it('defaults staff to /console', () => {
    expect(safeReturnTo('staff', 'https://evil.example')).toBe('/console');
  });
});

describe('flow checks', () => {
  it('derives state, nonce and a PKCE verifier (43 base64url characters) from the flow secret, differently for each secret', () => {
    const a = flowChecks('A'.repeat(43));
    const b = flowChecks('B'.repeat(43));
    for (const v of [a.state, a.nonce, a.codeVerifier]) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.state, a.nonce, a.codeVerifier]).size).toBe(3);
    expect(b.state).not.toBe(a.state);
    expect(flowChecks('A'.repeat(43))).toEqual(a);
  });
});

describe('cookies', () => {
  it('reads one cookie out of a Cookie header, the first when sent twice', () => {
    expect(readCookie('a=1; __Host-zcd_session=xyz; b=2', '__Host-zcd_session')).toBe('xyz');
    expect(readCookie('__Host-zcd_session=first; __Host-zcd_session=second', '__Host-zcd_session')).toBe('first');
    expect(readCookie('zcd_session=nope', '__Host-zcd_session')).toBeUndefined();
    expect(readCookie(undefined, '__Host-zcd_session')).toBeUndefined();
  });

  it('writes __Host- cookies as browsers require them: Secure, Path=/, no Domain', () => {
    expect(hostCookie('__Host-x', 'v', 60)).toBe('__Host-x=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax');
  });
});

/** A session store in memory. */
class FakeSessions implements SessionStore {
  rows = new Map<string, StoredSession>();
  touches = 0;
  async createSession(idHash: string, s: Parameters<SessionStore['createSession']>[1]) {
    this.rows.set(idHash, { ...s });
  }
  async findSession(idHash: string) {
    return this.rows.get(idHash);
  }
  async touchSession(idHash: string, lastSeenAt: number) {
    this.touches++;
    this.rows.get(idHash)!.lastSeenAt = lastSeenAt;
  }
  async deleteSession(idHash: string) {
    this.rows.delete(idHash);
  }
  async createFlow() {}
  async takeFlow() {
    return undefined;
  }
  async purge() {}
}

describe('SessionService', () => {
  const person = { kind: 'supplier' as const, issuer: 'https://cloud.example', subject: 's', uscc: '91150100MA0N0AAA0B', name: '张伟', organisationName: '某公司' };
  const make = () => {
    let now = Date.UTC(2026, 11, 1, 8);
    const store = new FakeSessions();
    const sessions = new SessionService({ store, config: { sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 12 * 3_600_000 }, clock: () => new Date(now) });
    return { store, sessions, advance: (ms: number) => (now += ms) };
  };

  it('stores only the hash of the secret and ties the CSRF token to the secret', async () => {
    const { store, sessions } = make();
    const secret = await sessions.start(person);
    expect([...store.rows.keys()]).toEqual([secretHash(secret)]);
    const live = (await sessions.resolve(secret))!;
    expect(csrfMatches(secret, live.csrfToken)).toBe(true);
    expect(csrfMatches(secret, live.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(secret, undefined)).toBe(false);
    const other = await sessions.start(person);
    expect(csrfMatches(other, live.csrfToken)).toBe(false);
  });

  it('writes the last-seen time at most once a minute', async () => {
    const { store, sessions, advance } = make();
    const secret = await sessions.start(person);
    for (let i = 0; i < 10; i++) {
      advance(5_000);
      await sessions.resolve(secret);
    }
    expect(store.touches).toBe(0);
    advance(20_000);
    await sessions.resolve(secret);
    expect(store.touches).toBe(1);
  });

  it('ignores a malformed cookie without reading the store', async () => {
    const { sessions } = make();
    expect(await sessions.resolve('short')).toBeUndefined();
    expect(await sessions.resolve(undefined)).toBeUndefined();
  });
});
