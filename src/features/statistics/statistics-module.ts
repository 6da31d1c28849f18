import type { RequestHandler } from 'express';
import type { Knex } from '../../db/knex.js';
import { systemClock, type Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { RouteDefinition } from '../../http/route.js';
import { PublicCatalogue } from '../public/public-catalogue.js';
import { KnexPublicCatalogueStore } from '../public/public-knex-store.js';
import { createPublicRoutes, PUBLIC_PREFIX, publicRateLimit } from '../public/public-routes.js';
import { TokenBucketLimiter } from '../public/token-bucket.js';
import { sharedLimiter } from '../auth/rate-limit-knex-store.js';
import type { RegionService } from '../regions/regions-service.js';
import { createStatisticsRoutes } from './statistics-routes.js';
import { KnexStatisticsStore } from './statistics-knex-store.js';
import { StatisticsService } from './statistics-service.js';

/** The settings statistics and the public endpoints read; the rate limit defaults to the documented 120. */
export type StatisticsConfig = Partial<Pick<Config, 'publicRateLimitPerMinute'>>;

/** Supervision statistics and the public information release, wired once per app. */
export function createStatisticsModule(deps: { db: Knex; regions: RegionService; config: StatisticsConfig; clock?: Clock }): {
  routes: RouteDefinition<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Mount at {@link PUBLIC_PREFIX} before the routes. */
  publicLimit: RequestHandler;
  publicPrefix: string;
} {
  const clock = deps.clock ?? systemClock;
  const statistics = new StatisticsService(new KnexStatisticsStore(deps.db), clock);
  const catalogue = new PublicCatalogue(new KnexPublicCatalogueStore(deps.db), deps.regions);
  return {
    routes: [...createStatisticsRoutes({ statistics }), ...createPublicRoutes({ catalogue, statistics })],
    publicLimit: publicRateLimit(
      sharedLimiter(deps.db, 'public', deps.config.publicRateLimitPerMinute ?? 120, 60_000, clock, () => new TokenBucketLimiter(deps.config.publicRateLimitPerMinute ?? 120, 60_000, clock)),
    ),
    publicPrefix: PUBLIC_PREFIX,
  };
}
