import { randomUUID } from 'node:crypto';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { BureauPrincipal, InstitutionPrincipal } from '../../http/principal.js';
import type { RegionService } from '../regions/regions-service.js';
import type { KnexFinancingStore } from './financing-knex-store.js';
import type { Product, ProductStatus } from './financing-store.js';
import type { InstitutionDirectory } from './ports.js';
import { recordAdminAction } from '../audit/admin-audit.js';

/** The terms an institution sets on a product. */
export type ProductTerms = Pick<
  Product,
  'name' | 'maxAmountFen' | 'maxShareBp' | 'rateMinBp' | 'rateMaxBp' | 'termMinDays' | 'termMaxDays' | 'categories' | 'regions'
>;

/** 422: well-formed, but breaks a business rule. */
export class BusinessRuleError extends DomainError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(422, code, message, extra);
  }
}

const productNotFound = () => new NotFoundError('product_not_found', 'No such product.');

/** Products: published by institutions, reviewed by bureaus. */
export class ProductService {
  constructor(
    private readonly store: KnexFinancingStore,
    private readonly regions: RegionService,
    private readonly institutions: InstitutionDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  private async activeInstitution(p: InstitutionPrincipal) {
    const inst = await this.institutions.get(p.institutionId);
    if (!inst || inst.status !== 'active') {
      throw new ForbiddenError('institution_not_active', 'Only an active institution can publish products.');
    }
    return inst;
  }

  private async checkTerms(t: ProductTerms, coverage: string[]): Promise<void> {
    if (t.rateMinBp > t.rateMaxBp) throw new BusinessRuleError('invalid_rate_range', 'rate_min_bp exceeds rate_max_bp.');
    if (t.termMinDays > t.termMaxDays) {
      throw new BusinessRuleError('invalid_term_range', 'term_min_days exceeds term_max_days.');
    }
    for (const code of t.regions) {
      const lineage = await this.regions.lineageCodes(code);
      if (!lineage.length) throw new BusinessRuleError('unknown_region', `No region has the code ${code}.`);
      if (!lineage.some((c) => coverage.includes(c))) {
        throw new BusinessRuleError('region_outside_coverage', `Region ${code} is outside the institution's coverage.`);
      }
    }
  }

  async create(p: InstitutionPrincipal, terms: ProductTerms): Promise<Product> {
    const inst = await this.activeInstitution(p);
    await this.checkTerms(terms, inst.coverage);
    const at = this.now();
    const product: Product = {
      id: randomUUID(),
      institutionId: inst.id,
      ...terms,
      regions: [...terms.regions].sort(),
      status: 'pending',
      reviewReason: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.transaction((s) => s.insertProduct(product));
    return product;
  }

  async list(p: InstitutionPrincipal, afterId: string | undefined, limit: number) {
    const items = await this.store.listProducts({ institutionId: p.institutionId, afterId, limit: limit + 1 });
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  /** Changes terms; an approved product goes back to review. */
  async update(p: InstitutionPrincipal, id: string, patch: Partial<ProductTerms>): Promise<Product> {
    const current = await this.store.getProduct(id);
    if (!current || current.institutionId !== p.institutionId) throw productNotFound();
    const inst = await this.activeInstitution(p);
    const next: Product = { ...current, ...patch };
    next.regions = [...next.regions].sort();
    await this.checkTerms(next, inst.coverage);
    if (current.status === 'approved') {
      next.status = 'pending';
      next.reviewReason = null;
    }
    next.updatedAt = this.now();
    await this.store.transaction((s) => s.saveProduct(next));
    return next;
  }

  /** Products with a region in the bureau's subtree. */
  async listForBureau(b: BureauPrincipal, status: ProductStatus | undefined, afterId: string | undefined, limit: number) {
    const subtree = await this.regions.subtreeCodes(b.regionCode);
    const items = await this.store.listProducts({ regionCodes: subtree, status, afterId, limit: limit + 1 });
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  /** Approves or withdraws; every region the product serves must lie in the bureau's subtree. */
  async review(b: BureauPrincipal, id: string, decision: 'approve' | 'withdraw', reason: string): Promise<Product> {
    const product = await this.store.getProduct(id);
    const subtree = new Set(await this.regions.subtreeCodes(b.regionCode));
    if (!product || !product.regions.some((r) => subtree.has(r))) throw productNotFound();
    if (!product.regions.every((r) => subtree.has(r))) {
      throw new ForbiddenError('outside_subtree', 'The product serves regions outside this bureau\'s subtree.');
    }
    const to: ProductStatus = decision === 'approve' ? 'approved' : 'withdrawn';
    if (product.status === to) {
      throw new ConflictError('invalid_state', `The product is already ${to}.`, { state: product.status });
    }
    const next: Product = { ...product, status: to, reviewReason: reason, updatedAt: this.now() };
    await this.store.transaction(async (s) => {
      await s.saveProduct(next);
      await recordAdminAction(s.db, {
        at: new Date(next.updatedAt).toISOString(),
        actor: b.clientId,
        action: 'reviewProduct',
        target: product.id,
        before: { status: product.status, review_reason: product.reviewReason },
        after: { status: next.status, review_reason: next.reviewReason },
      });
    });
    return next;
  }
}
