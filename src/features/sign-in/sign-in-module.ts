import type { Router } from 'express';
import type { Knex } from '../../db/knex.js';
import type { Clock } from '../../clock.js';
import { SANDBOX_OIDC_PATH, type OidcProviderTarget, type SignInConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { RouteDefinition } from '../../http/route.js';
import type { RegionService } from '../regions/regions-service.js';
import { SandboxPeople } from '../sandbox-oidc/sandbox-people.js';
import { createSandboxOidcRouter } from '../sandbox-oidc/sandbox-oidc-provider.js';
import { seedSandboxDemoStaff } from '../sandbox-oidc/sandbox-demo-staff.js';
import { KnexSandboxOidcStore } from '../sandbox-oidc/sandbox-oidc-knex-store.js';
import type { BureauService } from '../bureaus/bureaus-service.js';
import { SessionGate } from '../sessions/session-gate.js';
import { SessionService } from '../sessions/session-service.js';
import { KnexSessionStore } from '../sessions/sessions-knex-store.js';
import { createSessionRoutes } from '../sessions/sessions-routes.js';
import { KnexStaffStore } from '../staff/staff-knex-store.js';
import { createStaffRoutes } from '../staff/staff-routes.js';
import { StaffService } from '../staff/staff-service.js';
import { RelyingParty } from './relying-party.js';
import { RelyingPartyKeys } from './relying-party-keys.js';
import { KnexRelyingPartyKeyStore } from './relying-party-keys-knex-store.js';
import { createSignInRoutes } from './sign-in-routes.js';
import { SignInService } from './sign-in-service.js';

/** The scopes the gateway asks each kind of provider for. */
export const SIGN_IN_SCOPES = { supplier: 'openid profile supplier', staff: 'openid profile' } as const;

/** People's sign-in, sessions and the staff registry, wired once per app. */
export interface SignInModule {
  routes: RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  sessions: SessionService;
  gate: SessionGate;
  staff: StaffService;
  /** The sandbox development provider, to mount at `/sandbox/oidc`; undefined unless the sandbox serves it. */
  sandboxProvider: Router | undefined;
  /** With the sandbox provider on, gives a database without bureaus the demo bureaus and their staff. */
  seedSandboxDemo(): Promise<boolean>;
}

/** Builds sign-in on one database. */
export function createSignInModule(deps: {
  db: Knex;
  issuer: string;
  config: SignInConfig;
  regions: RegionService;
  bureaus: BureauService;
  logger: Logger;
  /** How many contracts the sandbox cloud has (what its provider's login page lists suppliers from). */
  sandboxContracts: () => Promise<number>;
  clock?: Clock;
  /** The HTTP client towards identity providers; the global fetch unless given. */
  fetch?: typeof fetch;
}): SignInModule {
  const { db, issuer, config, logger } = deps;
  const url = new URL(issuer);
  if ((config.supplier || config.staff) && url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    // Browsers keep the Secure __Host- cookies over plain http only on localhost and 127.0.0.1.
    logger.warn({ issuer }, 'sign-in needs https (or localhost): browsers will not keep the session cookie over plain http on this host');
  }
  const clock = deps.clock ? { clock: deps.clock } : {};
  const store = new KnexSessionStore(db);
  const sessions = new SessionService({ store, config, ...clock });
  const gate = new SessionGate(sessions, issuer);
  const staff = new StaffService({ store: new KnexStaffStore(db), regions: deps.regions, defaultIssuer: config.staff?.issuer, ...clock });
  const keys = new RelyingPartyKeys(new KnexRelyingPartyKeyStore(db), deps.clock);
  const sandboxIssuer = issuer + SANDBOX_OIDC_PATH;
  const party = (target: OidcProviderTarget | undefined, scope: string) =>
    target &&
    new RelyingParty({
      target,
      redirectUri: `${issuer}/auth/callback`,
      scope,
      keys,
      timeoutMs: config.timeoutMs,
      allowHttp: config.sandboxProvider && target.issuer === sandboxIssuer,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  const supplier = party(config.supplier, SIGN_IN_SCOPES.supplier);
  const staffParty = party(config.staff, SIGN_IN_SCOPES.staff);
  const signIn = new SignInService({
    providers: { ...(supplier ? { supplier } : {}), ...(staffParty ? { staff: staffParty } : {}) },
    store,
    sessions,
    staff,
    logger: logger.child({ module: 'sign-in' }),
    ...clock,
  });
  const regionName = async (code: string) => (await deps.regions.get(code).catch(() => undefined))?.name;
  const routes = [
    ...createSignInRoutes({ signIn, sessions, gate, keys, issuer }),
    ...createSessionRoutes({ gate, regionName }),
    ...createStaffRoutes({ staff }),
  ];
  const sandboxProvider = config.sandboxProvider
    ? createSandboxOidcRouter({
        db,
        issuer,
        people: new SandboxPeople({ contractCount: deps.sandboxContracts, staff: () => staff.ofIssuer(sandboxIssuer, 100) }),
        logger: logger.child({ module: 'sandbox-oidc' }),
      })
    : undefined;
  const seedSandboxDemo = async () =>
    config.sandboxProvider &&
    seedSandboxDemoStaff({
      bureauCount: () => new KnexSandboxOidcStore(db).bureauCount(),
      bureaus: deps.bureaus,
      staff,
      issuer: sandboxIssuer,
      logger: logger.child({ module: 'sandbox-oidc' }),
    });
  return { routes, sessions, gate, staff, sandboxProvider, seedSandboxDemo };
}
