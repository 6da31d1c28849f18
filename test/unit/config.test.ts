import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/paths.js';

describe('loadConfig', () => {
  it('defaults to SQLite under the package\'s data/ (whatever the working directory), port 8080, an issuer on localhost', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({ client: 'sqlite', filename: join(packageRoot, 'data', 'zcd.sqlite') });
    expect(c.issuer).toBe('http://localhost:8080');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads PostgreSQL from DATABASE_URL and trims the issuer', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/zcd', ISSUER_URL: 'https://zcd.example.gov.cn/' });
    expect(c.database).toEqual({ client: 'pg', connectionString: 'postgres://u@db:5432/zcd' });
    expect(c.issuer).toBe('https://zcd.example.gov.cn');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ISSUER_URL: 'ftp://x' }, 'ISSUER_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  ])('refuses %o naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
    expect((error as ConfigError).message).toContain(variable);
  });
});
