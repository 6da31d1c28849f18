import { readPage } from '../../http/pagination.js';
import type { RegionService } from '../regions/regions-service.js';
import type { ContractCategory } from '../financing/financing-store.js';
import type { PublicCatalogueStore, PublicInstitution, PublicProduct } from './public-store.js';

/** What the public may read about institutions and their products (信息发布). */
export class PublicCatalogue {
  constructor(
    private readonly store: PublicCatalogueStore,
    private readonly regions: RegionService,
  ) {}

  /** A region and the regions above it: whoever serves one of them serves the region. An unknown code serves nothing. */
  private async servingRegions(region: string | undefined): Promise<string[] | undefined> {
    return region === undefined ? undefined : this.regions.lineageCodes(region);
  }

  /** One page of active institutions, each with its approved products. */
  async institutions(q: { region?: string; afterId?: string; limit: number }): Promise<{
    items: (PublicInstitution & { products: PublicProduct[] })[];
    more: boolean;
  }> {
    const regions = await this.servingRegions(q.region);
    const page = await readPage(q.limit, (limit) => this.store.institutions({ regions, afterId: q.afterId, limit }));
    const products = page.items.length ? await this.store.products({ institutionIds: page.items.map((i) => i.id) }) : [];
    return { items: page.items.map((i) => ({ ...i, products: products.filter((p) => p.institutionId === i.id) })), more: page.more };
  }

  /** One page of approved products of active institutions. */
  async products(q: { region?: string; category?: ContractCategory; afterId?: string; limit: number }): Promise<{
    items: PublicProduct[];
    more: boolean;
  }> {
    const regions = await this.servingRegions(q.region);
    return readPage(q.limit, (limit) => this.store.products({ regions, category: q.category, afterId: q.afterId, limit }));
  }
}
