import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('upstream and sync configuration', () => {
  it('defaults to the sandbox cloud, syncing every 30 s in pages of 1000', () => {
    const c = loadConfig({});
    expect(c.upstream).toEqual({ kind: 'sandbox' });
    expect(c.syncIntervalMs).toBe(30_000);
    expect(c.syncPageSize).toBe(1000);
  });

  it('reads the HTTP cloud with its URL, credential and timeout; 0 turns the sync loop off', () => {
    const c = loadConfig({
      UPSTREAM: 'http',
      UPSTREAM_URL: 'https://zcy.nmg.example/api/',
      UPSTREAM_CREDENTIAL: 'a-long-enough-credential',
      UPSTREAM_TIMEOUT_MS: '2500',
      SYNC_INTERVAL_MS: '0',
    });
    expect(c.upstream).toEqual({ kind: 'http', url: 'https://zcy.nmg.example/api', credential: 'a-long-enough-credential', timeoutMs: 2500 });
    expect(c.syncIntervalMs).toBe(0);
  });

  it.each([
    [{ UPSTREAM: 'http' }, ['UPSTREAM_URL', 'UPSTREAM_CREDENTIAL']],
    [{ UPSTREAM: 'ftp' }, ['UPSTREAM']],
    [{ SYNC_PAGE_SIZE: '0' }, ['SYNC_PAGE_SIZE']],
    [{ UPSTREAM_TIMEOUT_MS: '10' }, ['UPSTREAM_TIMEOUT_MS']],
  ])('refuses %o naming %s', (env, variables) => {
    const named = () => {
      try {
        return loadConfig(env) && [];
      } catch (err) {
        return err instanceof ConfigError ? err.issues.map((i) => i.variable) : ['(not a ConfigError)'];
      }
    };
    expect(named()).toEqual(variables);
  });
});
