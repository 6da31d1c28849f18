import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../src/features/auth/verified-tokens.js';

const published = () => true;

describe('the cache of verified access tokens', () => {
  it('answers for the exact token text only, within exp and nbf', () => {
    const cache = new VerifiedTokens();
    cache.add('a.b.c', 'k1', { exp: 1_000, nbf: 900, sub: 's' });
    expect(cache.get('a.b.c', 950, published)).toMatchObject({ sub: 's' });
    expect(cache.get('a.b.C', 950, published)).toBeUndefined();
    expect(cache.get('a.b.c', 899, published)).toBeUndefined();
  });

  it('forgets a token at its exp second, as jose refuses it then', () => {
    const cache = new VerifiedTokens();
    cache.add('t', 'k1', { exp: 1_000 });
    expect(cache.get('t', 999, published)).toBeDefined();
    expect(cache.get('t', 1_000, published)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets a token whose signing key is no longer published', () => {
    const cache = new VerifiedTokens();
    cache.add('t', 'old', { exp: 1_000 });
    expect(cache.get('t', 10, (kid) => kid !== 'old')).toBeUndefined();
    expect(cache.get('t', 10, published)).toBeUndefined();
  });

  it('refuses a token without a numeric exp, whatever was stored', () => {
    const cache = new VerifiedTokens();
    cache.add('t', 'k1', { sub: 'no-exp' });
    expect(cache.get('t', 10, published)).toBeUndefined();
  });

  it('holds at most its bound, dropping the oldest first', () => {
    const cache = new VerifiedTokens(3);
    for (const t of ['t1', 't2', 't3', 't4']) cache.add(t, 'k', { exp: 100 });
    expect(cache.size).toBe(3);
    expect(cache.get('t1', 1, published)).toBeUndefined();
    expect(cache.get('t4', 1, published)).toBeDefined();
  });
});
