import { describe, expect, it } from 'vitest';
import { htuMatches } from '../../src/features/auth/dpop.js';

// RFC 9449 §4.3: a DPoP proof is bound to the URL it was made for. What "the same URL" means here.
describe('a DPoP proof’s htu against the request URL', () => {
  it('matches on scheme, host, port and path, whatever the query or fragment', () => {
    expect(htuMatches('https://zcd.example.cn/oauth2/token', 'https://zcd.example.cn/oauth2/token')).toBe(true);
    expect(htuMatches('https://ZCD.example.cn:443/oauth2/token?x=1#f', 'https://zcd.example.cn/oauth2/token')).toBe(true);
  });

  it('refuses another scheme, host, port or path, and a value that is no URL', () => {
    const url = 'https://zcd.example.cn/api/v1/institution';
    for (const htu of [
      'http://zcd.example.cn/api/v1/institution',
      'https://evil.example.cn/api/v1/institution',
      'https://zcd.example.cn:8443/api/v1/institution',
      'https://zcd.example.cn/api/v1/institution/',
      'https://zcd.example.cn/api/v1/Institution',
      '/api/v1/institution',
      'not a url',
    ]) {
      expect(htuMatches(htu, url), htu).toBe(false);
    }
  });

  it('takes any loopback name for a gateway on loopback, and only there', () => {
    expect(htuMatches('http://127.0.0.1:8090/oauth2/token', 'http://localhost:8090/oauth2/token')).toBe(true);
    expect(htuMatches('http://[::1]:8090/oauth2/token', 'http://localhost:8090/oauth2/token')).toBe(true);
    expect(htuMatches('http://localhost:8090/oauth2/token', 'http://127.0.0.1:8090/oauth2/token')).toBe(true);
    // Another port on the same machine is another server.
    expect(htuMatches('http://127.0.0.1:8091/oauth2/token', 'http://localhost:8090/oauth2/token')).toBe(false);
    // A gateway with a public name never takes a loopback proof, nor the other way round.
    expect(htuMatches('http://127.0.0.1/oauth2/token', 'http://zcd.example.cn/oauth2/token')).toBe(false);
    expect(htuMatches('http://zcd.example.cn/oauth2/token', 'http://localhost/oauth2/token')).toBe(false);
    expect(htuMatches('http://127.0.0.2:8090/oauth2/token', 'http://localhost:8090/oauth2/token')).toBe(false);
  });
});
