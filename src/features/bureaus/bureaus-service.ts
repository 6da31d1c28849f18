import type { Config } from '../../config.js';
import { systemClock, type Clock } from '../../clock.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal } from '../../http/principal.js';
import { ClientOnboarding } from '../institutions/client-onboarding.js';
import { OutsideRegionError } from '../institutions/institutions-service.js';
import type { RegionService } from '../regions/regions-service.js';
import type { Bureau, BureauStore } from './bureaus-store.js';

/** What is submitted to register a bureau. */
export interface BureauInput {
  regionCode: string;
  name: string;
  jwks?: { keys: object[] } | undefined;
  jwksUri?: string | undefined;
}

/** Finance bureaus: each bureau registers bureaus for regions strictly below its own. */
export class BureauService {
  private readonly onboarding: ClientOnboarding;

  constructor(
    private readonly deps: { store: BureauStore; regions: RegionService; config: Pick<Config, 'jwksUriAllowPrivate'>; clock?: Clock },
  ) {
    this.onboarding = new ClientOnboarding({ config: deps.config, clock: deps.clock ?? systemClock });
  }

  /** Registers a bureau; `actor` undefined is the operator at the command line, who may register any region. */
  async create(actor: BureauPrincipal | undefined, input: BureauInput): Promise<Bureau> {
    const target = await this.deps.regions.subtree(input.regionCode);
    if (!target.size) throw new ValidationError([{ in: 'body', pointer: '/region_code', detail: `no region has the code ${input.regionCode}` }]);
    if (actor) {
      const own = await this.deps.regions.subtree(actor.regionCode);
      if (!own.has(input.regionCode) || input.regionCode === actor.regionCode) {
        throw new OutsideRegionError('A bureau registers bureaus only for regions below its own.');
      }
    }
    const client = await this.onboarding.newClient('bureau', input);
    const actorId = actor?.clientId ?? null;
    return this.deps.store.transaction(async (store) => {
      if (await store.byRegion(input.regionCode)) throw new ConflictError('bureau_exists', 'This region already has a bureau.');
      await store.create({
        clientId: client.clientId,
        regionCode: input.regionCode,
        name: input.name,
        jwksUri: client.jwksUri,
        keys: client.keys,
        createdAt: client.at,
        createdBy: actorId,
      });
      const created = (await store.get(client.clientId))!;
      await store.audit(this.onboarding.created(client, actorId, 'createBureau', created));
      return created;
    });
  }

  /** One page of the bureaus in the actor's subtree (itself included). */
  async list(actor: BureauPrincipal, q: { afterClientId?: string | undefined; limit: number }): Promise<Page<Bureau>> {
    const regions = await this.deps.regions.subtreeCodes(actor.regionCode);
    return readPage(q.limit, (limit) => this.deps.store.list({ ...q, regions, limit }));
  }

  /** The bureau of a region, if there is one. */
  byRegion(regionCode: string): Promise<Bureau | undefined> {
    return this.deps.store.byRegion(regionCode);
  }
}
