import type { Knex } from 'knex';
import type { ContractCategory } from '../financing/financing-store.js';
import type { InstitutionType } from '../institutions/institutions-store.js';
import type { PublicCatalogueStore, PublicInstitution, PublicProduct } from './public-store.js';

const num = (v: unknown): number => Number(v);

/** The public catalogue in SQLite or PostgreSQL; selects only the columns that may be published. */
export class KnexPublicCatalogueStore implements PublicCatalogueStore {
  constructor(private readonly db: Knex) {}

  private activeInstitutionIds() {
    return this.db('clients').select('client_id').where({ kind: 'institution', status: 'active' });
  }

  async institutions(q: { regions?: readonly string[]; afterId?: string; limit: number }): Promise<PublicInstitution[]> {
    const query = this.db('institutions')
      .select('client_id', 'name', 'type')
      .whereIn('client_id', this.activeInstitutionIds())
      .orderBy('client_id')
      .limit(q.limit);
    if (q.afterId !== undefined) query.where('client_id', '>', q.afterId);
    if (q.regions !== undefined) {
      query.whereIn('client_id', this.db('institution_regions').select('client_id').whereIn('region_code', [...q.regions]));
    }
    const rows: { client_id: string; name: string; type: InstitutionType }[] = await query;
    if (!rows.length) return [];
    const coverage: { client_id: string; region_code: string }[] = await this.db('institution_regions')
      .select('client_id', 'region_code')
      .whereIn('client_id', rows.map((r) => r.client_id))
      .orderBy('region_code');
    return rows.map((r) => ({
      id: r.client_id,
      name: r.name,
      type: r.type,
      coverage: coverage.filter((c) => c.client_id === r.client_id).map((c) => c.region_code),
    }));
  }

  async products(q: {
    institutionIds?: readonly string[];
    regions?: readonly string[];
    category?: ContractCategory;
    afterId?: string;
    limit?: number;
  }): Promise<PublicProduct[]> {
    const query = this.db('products as p')
      .join('institutions as i', 'i.client_id', 'p.institution_id')
      .select(
        'p.id', 'p.institution_id', 'i.name as institution_name', 'p.name', 'p.max_amount_fen', 'p.max_share_bp',
        'p.rate_min_bp', 'p.rate_max_bp', 'p.term_min_days', 'p.term_max_days', 'p.categories',
      )
      .where('p.status', 'approved')
      .whereIn('p.institution_id', this.activeInstitutionIds())
      .orderBy('p.id');
    if (q.limit !== undefined) query.limit(q.limit);
    if (q.afterId !== undefined) query.where('p.id', '>', q.afterId);
    if (q.institutionIds !== undefined) query.whereIn('p.institution_id', [...q.institutionIds]);
    if (q.category !== undefined) {
      // categories is a comma-separated list; bracket it with commas so `works` never matches inside another word.
      query.whereRaw(`(',' || p.categories || ',') like ?`, [`%,${q.category},%`]);
    }
    if (q.regions !== undefined) {
      query.whereIn('p.id', this.db('product_regions').select('product_id').whereIn('region_code', [...q.regions]));
    }
    const rows: Record<string, unknown>[] = await query;
    if (!rows.length) return [];
    const regions: { product_id: string; region_code: string }[] = await this.db('product_regions')
      .select('product_id', 'region_code')
      .whereIn('product_id', rows.map((r) => r.id as string))
      .orderBy('region_code');
    return rows.map((r) => ({
      id: r.id as string,
      institutionId: r.institution_id as string,
      institutionName: r.institution_name as string,
      name: r.name as string,
      maxAmountFen: num(r.max_amount_fen),
      maxShareBp: num(r.max_share_bp),
      rateMinBp: num(r.rate_min_bp),
      rateMaxBp: num(r.rate_max_bp),
      termMinDays: num(r.term_min_days),
      termMaxDays: num(r.term_max_days),
      categories: (r.categories as string).split(',').filter(Boolean) as ContractCategory[],
      regions: regions.filter((x) => x.product_id === r.id).map((x) => x.region_code),
    }));
  }
}
