import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Knex } from '../../db/knex.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { KnexBureauStore } from '../bureaus/bureaus-knex-store.js';
import { BureauService } from '../bureaus/bureaus-service.js';
import { KnexRegionStore } from '../regions/regions-knex-store.js';
import { RegionService } from '../regions/regions-service.js';
import { KnexInstitutionStore } from './institutions-knex-store.js';
import { InstitutionService } from './institutions-service.js';

/** The services every onboarding goes through, wherever it starts: the API, the `zcd` commands, the demo, tests. */
export interface Onboarding {
  bureaus: BureauService;
  institutions: InstitutionService;
}

/** The onboarding services on a database. */
export function createOnboarding(
  db: Knex,
  deps: { config: Pick<Config, 'jwksUriAllowPrivate'> & Partial<Pick<Config, 'webhookAllowPrivate'>>; clock?: Clock | undefined; regions?: RegionService | undefined },
): Onboarding {
  const shared = {
    regions: deps.regions ?? new RegionService(new KnexRegionStore(db)),
    config: deps.config,
    ...(deps.clock ? { clock: deps.clock } : {}),
  };
  return {
    bureaus: new BureauService({ ...shared, store: new KnexBureauStore(db) }),
    institutions: new InstitutionService({ ...shared, store: new KnexInstitutionStore(db) }),
  };
}

/** The region the operator acts for at the command line: the autonomous region's bureau. */
export const OPERATOR_REGION = '150000';

/** The operator as the 150000 bureau, or undefined before that bureau is registered. */
export async function operatorBureau(bureaus: BureauService): Promise<BureauPrincipal | undefined> {
  const bureau = await bureaus.byRegion(OPERATOR_REGION);
  return bureau && { kind: 'bureau', clientId: bureau.clientId, bureauId: bureau.clientId, regionCode: bureau.regionCode, scopes: ['admin'], role: 'admin' };
}
