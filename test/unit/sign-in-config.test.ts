import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const variablesOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.issues.map((i) => i.variable) : ['(not a ConfigError)'];
  }
};

const http = { UPSTREAM: 'http', UPSTREAM_URL: 'https://zcy.nmg.example', UPSTREAM_CREDENTIAL: 'a-long-enough-credential' };

describe('sign-in configuration', () => {
  it('in the sandbox serves the development provider and signs both kinds of people in there', () => {
    const c = loadConfig({ ISSUER_URL: 'http://localhost:9000' });
    expect(c.signIn).toEqual({
      sandboxProvider: true,
      supplier: { issuer: 'http://localhost:9000/sandbox/oidc', clientId: 'zcd-gateway' },
      staff: { issuer: 'http://localhost:9000/sandbox/oidc', clientId: 'zcd-gateway' },
      timeoutMs: 5_000,
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
    });
    expect(Object.isFrozen(c.signIn)).toBe(true);
  });

  it('sends staff to STAFF_OIDC_ISSUER with STAFF_OIDC_CLIENT_ID, and reads the session limits', () => {
    const c = loadConfig({
      STAFF_OIDC_ISSUER: 'https://idp.nmg.example/realms/czt/',
      STAFF_OIDC_CLIENT_ID: 'zcd',
      SESSION_IDLE_TIMEOUT_MS: '600000',
      SESSION_ABSOLUTE_TIMEOUT_MS: '3600000',
    });
    expect(c.signIn.staff).toEqual({ issuer: 'https://idp.nmg.example/realms/czt', clientId: 'zcd' });
    expect(c.signIn.sessionIdleMs).toBe(600_000);
    expect(c.signIn.sessionAbsoluteMs).toBe(3_600_000);
  });

  it('with the real cloud never serves the sandbox provider; SMEs sign in at the cloud once the gateway has a client id there', () => {
    expect(loadConfig(http).signIn).toMatchObject({ sandboxProvider: false, supplier: undefined, staff: undefined });
    expect(loadConfig({ ...http, UPSTREAM_OIDC_CLIENT_ID: 'zcd-gw' }).signIn.supplier).toEqual({ issuer: 'https://zcy.nmg.example', clientId: 'zcd-gw' });
  });

  it.each([
    [{ ...http, SANDBOX_OIDC: 'true' }, ['SANDBOX_OIDC']],
    [{ ...http, ISSUER_URL: 'https://zcd.example', STAFF_OIDC_ISSUER: 'https://zcd.example/sandbox/oidc', STAFF_OIDC_CLIENT_ID: 'x' }, ['STAFF_OIDC_ISSUER']],
    [{ STAFF_OIDC_ISSUER: 'https://idp.example' }, ['STAFF_OIDC_CLIENT_ID']],
    [{ STAFF_OIDC_ISSUER: 'ldap://idp.example', STAFF_OIDC_CLIENT_ID: 'x' }, ['STAFF_OIDC_ISSUER']],
    [{ SESSION_IDLE_TIMEOUT_MS: '7200000', SESSION_ABSOLUTE_TIMEOUT_MS: '3600000' }, ['SESSION_IDLE_TIMEOUT_MS']],
    [{ SESSION_IDLE_TIMEOUT_MS: '1000' }, ['SESSION_IDLE_TIMEOUT_MS']],
    [{ SANDBOX_OIDC: 'yes' }, ['SANDBOX_OIDC']],
    [{ STAFF_OIDC_ISSUER: 'http://idp.example', STAFF_OIDC_CLIENT_ID: 'x' }, ['STAFF_OIDC_ISSUER']],
    [{ ...http, UPSTREAM_URL: 'http://zcy.example', UPSTREAM_OIDC_CLIENT_ID: 'x' }, ['UPSTREAM_URL']],
  ])('refuses %o naming %s', (env, variables) => {
    expect(variablesOf(env)).toEqual(variables);
  });

  it('accepts a provider over plain http on loopback (development)', () => {
    expect(loadConfig({ STAFF_OIDC_ISSUER: 'http://127.0.0.1:4000', STAFF_OIDC_CLIENT_ID: 'x' }).signIn.staff?.issuer).toBe('http://127.0.0.1:4000');
  });

  it('turns the sandbox provider off when asked, and then offers no sign-in unless a provider is configured', () => {
    expect(loadConfig({ SANDBOX_OIDC: 'false' }).signIn).toMatchObject({ sandboxProvider: false, supplier: undefined, staff: undefined });
  });
});
