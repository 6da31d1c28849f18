import type { Express } from 'express';
import type { ProcurementCloud } from '../../adapters/procurement-cloud.js';
import { createApp, type Gateway } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Knex } from '../../src/db/knex.js';
import type { AuthConfig } from '../../src/features/auth/auth-module.js';
import type { StatisticsConfig } from '../../src/features/statistics/statistics-module.js';
import type { SupplierIdentityVerifier } from '../../src/http/principal.js';
import type { Clock } from '../../src/clock.js';
import type { SignInConfig } from '../../src/config.js';
import { migratedDatabase } from './db.js';
import { TestClient } from './http.js';

/** A gateway on a fresh migrated database, served on loopback; its issuer is its own base URL. */
export interface TestGateway extends Gateway {
  db: Knex;
  client: TestClient;
  issuer: string;
  close(): Promise<void>;
}

/** Options of {@link startTestGateway}. */
export interface TestGatewayOptions {
  config?: Partial<Omit<AuthConfig, 'issuer'>> & StatisticsConfig & { webhookAllowPrivate?: boolean };
  clock?: Clock;
  supplierVerifier?: SupplierIdentityVerifier;
  /** Serve this database (already migrated) instead of a fresh one; closed with the gateway. */
  db?: Knex;
  /** The procurement cloud; the sandbox on the gateway's database unless given. */
  cloud?: (db: Knex) => ProcurementCloud;
  /** Sign-in settings for the gateway's issuer; the sandbox's (its provider at /sandbox/oidc) unless given. */
  signIn?: (issuer: string) => SignInConfig;
  /** The HTTP client the gateway reaches identity providers with. */
  oidcFetch?: typeof fetch;
  /** The built web app to serve; the package's dist/web unless given. */
  webDir?: string;
}

/** The test default: generous rate limit, loopback `jwks_uri`s allowed. */
export const testAuthConfig = (issuer: string, overrides: TestGatewayOptions['config'] = {}): AuthConfig & StatisticsConfig => ({
  issuer,
  jwksUriAllowPrivate: true,
  jwksUriTimeoutMs: 1_000,
  jwksUriCooldownMs: 30_000,
  jwksUriCacheMs: 600_000,
  tokenRateLimitPerMinute: 10_000,
  ...overrides,
});

/** Starts a gateway for one test file. */
export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const database = opts.db ? { db: opts.db, dispose: () => opts.db!.destroy() } : await migratedDatabase();
  let gateway: Gateway | undefined;
  const client = await TestClient.startWith((baseUrl: string): Express => {
    gateway = createApp({
      config: { ...testAuthConfig(baseUrl, opts.config), ...(opts.signIn ? { signIn: opts.signIn(baseUrl) } : {}) },
      db: database.db,
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.supplierVerifier ? { supplierVerifier: opts.supplierVerifier } : {}),
      ...(opts.cloud ? { cloud: opts.cloud(database.db) } : {}),
      ...(opts.oidcFetch ? { oidcFetch: opts.oidcFetch } : {}),
      ...(opts.webDir ? { webDir: opts.webDir } : {}),
    });
    return gateway.app;
  });
  return {
    ...gateway!,
    db: database.db,
    client,
    issuer: client.baseUrl,
    async close() {
      await client.close();
      await database.dispose();
    },
  };
}
