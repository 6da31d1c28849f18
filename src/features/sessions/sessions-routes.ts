import { defineRoute } from '../../http/route.js';
import type { components } from '../../generated/openapi.js';
import { NoSessionError, type SessionGate } from './session-gate.js';
import type { LiveSession } from './session-service.js';

type Schemas = components['schemas'];

/** The signed-in person on the wire. */
export function sessionDto(s: LiveSession, regionName: string | undefined): Schemas['Session'] {
  const times = { csrf_token: s.csrfToken, expires_at: new Date(s.expiresAt).toISOString(), idle_expires_at: new Date(s.idleExpiresAt).toISOString() };
  if (s.kind === 'supplier') {
    return { kind: 'supplier', name: s.name, organisation: { name: s.organisationName, uscc: s.uscc }, ...times };
  }
  return {
    kind: 'staff',
    name: s.name,
    organisation: { name: s.organisationName, region_code: s.staff!.regionCode, ...(regionName === undefined ? {} : { region_name: regionName }) },
    role: s.staff!.role,
    ...times,
  };
}

/** `getSession`: who is signed in, with the CSRF token the pages send on every state-changing request. */
export function createSessionRoutes(deps: { gate: SessionGate; regionName: (code: string) => Promise<string | undefined> }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/session',
      operationId: 'getSession',
      access: { public: true },
      handler: async ({ req, res }): Promise<Schemas['Session']> => {
        res.setHeader('Cache-Control', 'no-store');
        const live = await deps.gate.check(req);
        if (!live) throw new NoSessionError();
        const region = live.session.staff?.regionCode;
        return sessionDto(live.session, region === undefined ? undefined : await deps.regionName(region));
      },
    }),
  ];
}
