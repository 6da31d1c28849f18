import { randomUUID } from 'node:crypto';
import type { PolicyCheck } from '../policy/policy-service.js';
import { epochMs, systemClock, type Clock } from '../../clock.js';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal, InstitutionPrincipal } from '../../http/principal.js';
import type { Transactional } from '../../transactional.js';
import type { RegionService } from '../regions/regions-service.js';
import type { FinancingStore, Product, ProductStatus } from './financing-store.js';
import type { AdminActionLog, InstitutionDirectory } from './ports.js';

/** The terms an institution sets on a product. */
export type ProductTerms = Pick<
  Product,
  'name' | 'maxAmountFen' | 'maxShareBp' | 'rateMinBp' | 'rateMaxBp' | 'termMinDays' | 'termMaxDays' | 'categories' | 'regions'
> &
  Partial<Pick<Product, 'feeBp' | 'decideDays' | 'disburseDays' | 'requirements'>>;

/** A product with the name of the institution offering it. */
export interface ProductView extends Product {
  institutionName: string;
}

/** What a product review writes, bound to one transaction: the product and the administrative trail. */
export interface ProductUnit {
  store: FinancingStore;
  audit: AdminActionLog;
}

/** 422: well-formed, but breaks a business rule. */
export class BusinessRuleError extends DomainError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(422, code, message, extra);
  }
}

const productNotFound = () => new NotFoundError('product_not_found', 'No such product.');

/** Products: published by institutions, reviewed by bureaus. */
export class ProductService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: FinancingStore;
      transactional: Transactional<ProductUnit>;
      regions: RegionService;
      institutions: InstitutionDirectory;
      /** The bureaus' policy, enforced when a product is approved. */
      policy?: PolicyCheck;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  private async activeInstitution(p: InstitutionPrincipal) {
    const inst = await this.deps.institutions.get(p.institutionId);
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
      const lineage = await this.deps.regions.lineageCodes(code);
      if (!lineage.length) throw new BusinessRuleError('unknown_region', `No region has the code ${code}.`);
      if (!lineage.some((c) => coverage.includes(c))) {
        throw new BusinessRuleError('region_outside_coverage', `Region ${code} is outside the institution's coverage.`);
      }
    }
  }

  private async views(products: Product[]): Promise<ProductView[]> {
    const names = await this.deps.institutions.summaries([...new Set(products.map((p) => p.institutionId))]);
    return products.map((p) => ({ ...p, institutionName: names.get(p.institutionId)?.name ?? '' }));
  }

  private async viewPage(page: Page<Product>): Promise<Page<ProductView>> {
    return { items: await this.views(page.items), more: page.more };
  }

  async create(p: InstitutionPrincipal, terms: ProductTerms): Promise<ProductView> {
    const inst = await this.activeInstitution(p);
    await this.checkTerms(terms, inst.coverage);
    const at = epochMs(this.clock);
    const product: Product = {
      id: randomUUID(),
      institutionId: inst.id,
      // No fee, no promised days, no requirements beyond the contract unless the bank says so.
      feeBp: 0,
      decideDays: null,
      disburseDays: null,
      requirements: null,
      ...terms,
      regions: [...terms.regions].sort(),
      status: 'pending',
      reviewReason: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.transactional(({ store }) => store.insertProduct(product));
    return { ...product, institutionName: inst.name };
  }

  async list(p: InstitutionPrincipal, afterId: string | undefined, limit: number): Promise<Page<ProductView>> {
    return this.viewPage(await readPage(limit, (n) => this.deps.store.listProducts({ institutionId: p.institutionId, afterId, limit: n })));
  }

  /** Changes terms; an approved product goes back to review. */
  async update(p: InstitutionPrincipal, id: string, patch: Partial<ProductTerms>): Promise<ProductView> {
    const current = await this.deps.store.getProduct(id);
    if (!current || current.institutionId !== p.institutionId) throw productNotFound();
    const inst = await this.activeInstitution(p);
    const next: Product = { ...current, ...patch };
    next.regions = [...next.regions].sort();
    await this.checkTerms(next, inst.coverage);
    if (current.status === 'approved') {
      next.status = 'pending';
      next.reviewReason = null;
    }
    next.updatedAt = epochMs(this.clock);
    await this.deps.transactional(({ store }) => store.saveProduct(next));
    return { ...next, institutionName: inst.name };
  }

  /** Products with a region in the bureau's subtree. */
  async listForBureau(b: BureauPrincipal, status: ProductStatus | undefined, afterId: string | undefined, limit: number): Promise<Page<ProductView>> {
    const subtree = await this.deps.regions.subtreeCodes(b.regionCode);
    return this.viewPage(await readPage(limit, (n) => this.deps.store.listProducts({ regionCodes: subtree, status, afterId, limit: n })));
  }

  /** Approves or withdraws; every region the product serves must lie in the bureau's subtree. */
  async review(b: BureauPrincipal, id: string, decision: 'approve' | 'withdraw', reason: string): Promise<ProductView> {
    const product = await this.deps.store.getProduct(id);
    const subtree = await this.deps.regions.subtree(b.regionCode);
    if (!product || !product.regions.some((r) => subtree.has(r))) throw productNotFound();
    if (!product.regions.every((r) => subtree.has(r))) {
      throw new ForbiddenError('outside_subtree', 'The product serves regions outside this bureau\'s subtree.');
    }
    const to: ProductStatus = decision === 'approve' ? 'approved' : 'withdrawn';
    if (product.status === to) {
      throw new ConflictError('invalid_state', `The product is already ${to}.`, { state: product.status });
    }
    if (to === 'approved' && this.deps.policy) {
      for (const region of product.regions) {
        // A fee in basis points is a fee all the same: where the policy allows none, any positive one breaks it.
        await this.deps.policy.enforce(region, {
          product: { maxShareBp: product.maxShareBp, maxAmountFen: product.maxAmountFen, rateMaxBp: product.rateMaxBp },
          feesFen: product.feeBp,
        });
      }
    }
    const next: Product = { ...product, status: to, reviewReason: reason, updatedAt: epochMs(this.clock) };
    await this.deps.transactional(async ({ store, audit }) => {
      await store.saveProduct(next);
      await audit.record({
        at: next.updatedAt,
        actor: b.clientId,
        action: 'reviewProduct',
        target: product.id,
        before: { status: product.status, review_reason: product.reviewReason },
        after: { status: next.status, review_reason: next.reviewReason },
      });
    });
    return (await this.views([next]))[0]!;
  }
}
