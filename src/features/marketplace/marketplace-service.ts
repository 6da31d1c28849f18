import { randomUUID } from 'node:crypto';
import { epochMs, isoTime, systemClock, type Clock } from '../../clock.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { InstitutionPrincipal, SupplierPrincipal } from '../../http/principal.js';
import type { Transactional } from '../../transactional.js';
import type { RegionService } from '../regions/regions-service.js';
import { assertConsentExpiry, newApplication, offerOf, shareBase, type ApplicationService, type ApplicationView, type Offer } from '../financing/applications-service.js';
import type { ConsentPart, FinancingStore } from '../financing/financing-store.js';
import type { ContractSource, EventRecorder, InstitutionDirectory } from '../financing/ports.js';
import { BusinessRuleError } from '../financing/products-service.js';
import type { MarketplaceEventType } from '../events/published-events.js';
import type { PolicyCheck } from '../policy/policy-service.js';
import type { Intent, IntentCursor, IntentVisibleField, MarketplaceStore, Quote } from './marketplace-store.js';

/** How long an intent stays open unless the SME says otherwise, and the longest it may. */
export const DEFAULT_INTENT_MS = 7 * 86_400_000;
export const MAX_INTENT_MS = 30 * 86_400_000;
/** The longest a quote may stay valid. */
export const MAX_QUOTE_MS = 30 * 86_400_000;

/** The contract-amount bands banks may see (fen, lower bound inclusive): 50万, 200万 and 1000万 yuan. */
const AMOUNT_BANDS = [0, 50_000_000, 200_000_000, 1_000_000_000];

/** The band a contract amount falls in; `max` absent for the top band. */
export function amountBand(amountFen: number): { min: number; max?: number } {
  let i = AMOUNT_BANDS.length - 1;
  while (i > 0 && amountFen < AMOUNT_BANDS[i]!) i--;
  const max = AMOUNT_BANDS[i + 1];
  return max === undefined ? { min: AMOUNT_BANDS[i]! } : { min: AMOUNT_BANDS[i]!, max };
}

/** What an intent reads as now: an open one past its end is expired. */
export type IntentStatus = 'open' | 'accepted' | 'withdrawn' | 'expired';

/** An intent as its SME sees it. */
export interface SupplierIntentView extends Intent {
  state: IntentStatus;
  liveQuotes: number;
}

/** An intent as a bank sees it: the summary the SME allowed, and the bank's own quote. */
export interface MarketIntentView {
  id: string;
  amountFen: number;
  termDays: number;
  category: Intent['category'];
  state: IntentStatus;
  expiresAt: number;
  createdAt: number;
  purchaserRegionCode?: string;
  contractAmountBand?: { min: number; max?: number };
  acceptanceStatus?: 'accepted' | 'not_accepted';
  myQuote?: QuoteView;
}

/** A quote with its institution's name. */
export interface QuoteView extends Quote {
  institutionName: string;
}

/** Input of an intent. */
export interface IntentInput {
  contractNo: string;
  amountFen: number;
  termDays: number;
  visibleFields: IntentVisibleField[];
  expiresAt?: number | undefined;
}

/** Input of a quote. */
export interface QuoteInput {
  productId: string;
  amountFen: number;
  annualRateBp: number;
  termDays: number;
  feesFen: number;
  conditions?: string | undefined;
  validUntil: number;
}

/** Announces marketplace events to the institutions named; bound to the transaction of the change. */
export interface MarketplaceAnnouncer {
  announce(e: { type: MarketplaceEventType; institutionIds: readonly string[]; data: Record<string, unknown> }): Promise<void>;
}

/** The stores an accepted quote writes in one transaction: intents and quotes, the application, the outbox. */
export interface MarketplaceUnit {
  market: MarketplaceStore;
  financing: FinancingStore;
  events: EventRecorder & MarketplaceAnnouncer;
}

/** Finds the active institutions covering any of these regions. */
export type CoveringInstitutions = (regionCodes: readonly string[]) => Promise<string[]>;

const intentNotFound = () => new NotFoundError('intent_not_found', 'No such financing intent.');
const quoteNotFound = () => new NotFoundError('quote_not_found', 'No such quote.');

/** Open financing intents: the SME publishes, the banks of the region quote, the SME accepts one. */
export class MarketplaceService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: MarketplaceStore;
      financing: FinancingStore;
      transactional: Transactional<MarketplaceUnit>;
      applications: ApplicationService;
      contracts: ContractSource;
      regions: RegionService;
      institutions: InstitutionDirectory;
      covering: CoveringInstitutions;
      /** The bureaus' policy, enforced on every quote. */
      policy?: PolicyCheck;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  private now(): number {
    return epochMs(this.clock);
  }

  private static state(i: Intent, at: number): IntentStatus {
    return i.status === 'open' && i.expiresAt <= at ? 'expired' : i.status;
  }

  private async supplierViews(items: Intent[]): Promise<SupplierIntentView[]> {
    const at = this.now();
    const counts = await this.deps.store.liveQuoteCounts(items.map((i) => i.id), at);
    return items.map((i) => ({ ...i, state: MarketplaceService.state(i, at), liveQuotes: counts.get(i.id) ?? 0 }));
  }

  private async quoteViews(quotes: Quote[]): Promise<QuoteView[]> {
    const names = await this.deps.institutions.summaries([...new Set(quotes.map((q) => q.institutionId))]);
    return quotes.map((q) => ({ ...q, institutionName: names.get(q.institutionId)?.name ?? '' }));
  }

  // SMEs

  /** Publishes an intent on one of the supplier's financeable contracts and tells every bank of the region. */
  async publish(s: SupplierPrincipal, input: IntentInput): Promise<SupplierIntentView> {
    const at = this.now();
    const expiresAt = input.expiresAt ?? at + DEFAULT_INTENT_MS;
    if (expiresAt <= at || expiresAt > at + MAX_INTENT_MS) {
      throw new BusinessRuleError('invalid_intent_expiry', 'An intent must end in the future and within 30 days.');
    }
    const contract = await this.deps.applications.supplierContract(s, input.contractNo);
    if (contract.reasons.length) {
      throw new ConflictError('contract_not_financeable', 'This contract cannot be financed now.', { reasons: contract.reasons });
    }
    if (input.amountFen > contract.unpaidFen) {
      throw new BusinessRuleError('amount_exceeds_unpaid', `At most the unpaid ${contract.unpaidFen} fen can be asked for.`, { max_amount: contract.unpaidFen });
    }
    if (await this.deps.store.openIntentOn(contract.contractNo, at)) {
      throw new ConflictError('intent_exists', 'An open intent on this contract exists; withdraw it first.');
    }
    const [acceptances, lineage] = await Promise.all([
      this.deps.contracts.acceptances(contract.contractNo),
      this.deps.regions.lineageCodes(contract.purchaserRegionCode),
    ]);
    const intent: Intent = {
      id: randomUUID(),
      supplierUscc: s.uscc,
      contractNo: contract.contractNo,
      purchaserRegionCode: contract.purchaserRegionCode,
      category: contract.category,
      amountFen: input.amountFen,
      termDays: input.termDays,
      visibleFields: [...new Set(input.visibleFields)].sort(),
      contractAmountFen: contract.amountFen,
      contractAccepted: acceptances.length > 0,
      status: 'open',
      expiresAt,
      acceptedQuoteId: null,
      applicationId: null,
      createdAt: at,
      updatedAt: at,
    };
    const banks = await this.deps.covering(lineage);
    await this.deps.transactional(async ({ market, events }) => {
      await market.insertIntent(intent);
      const summary = this.summary(intent);
      await events.announce({
        type: 'intent.published',
        institutionIds: banks,
        data: {
          intent_id: intent.id,
          amount: intent.amountFen,
          term_days: intent.termDays,
          category: intent.category,
          expires_at: isoTime(intent.expiresAt),
          ...(summary.purchaserRegionCode ? { purchaser_region_code: summary.purchaserRegionCode } : {}),
          ...(summary.contractAmountBand ? { contract_amount_band: summary.contractAmountBand } : {}),
          ...(summary.acceptanceStatus ? { acceptance_status: summary.acceptanceStatus } : {}),
        },
      });
    });
    return { ...intent, state: 'open', liveQuotes: 0 };
  }

  async listForSupplier(s: SupplierPrincipal, before: IntentCursor | undefined, limit: number): Promise<Page<SupplierIntentView>> {
    const page = await readPage(limit, (n) => this.deps.store.listSupplierIntents(s.uscc, before, n));
    return { items: await this.supplierViews(page.items), more: page.more };
  }

  private async ownIntent(s: SupplierPrincipal, id: string): Promise<Intent> {
    const i = await this.deps.store.getIntent(id);
    if (!i || i.supplierUscc !== s.uscc) throw intentNotFound();
    return i;
  }

  private notOpen(i: Intent | undefined, at: number): ConflictError {
    return new ConflictError('intent_not_open', 'The intent is no longer open.', { state: i ? MarketplaceService.state(i, at) : 'unknown' });
  }

  /** Closes an open intent; every live quote on it is declined and its bank told. */
  async withdraw(s: SupplierPrincipal, id: string): Promise<SupplierIntentView> {
    const intent = await this.ownIntent(s, id);
    const at = this.now();
    const closed = await this.deps.transactional(async ({ market, events }) => {
      const done = await market.closeIntent(intent.id, 'withdrawn', {}, at);
      if (!done) throw this.notOpen(await market.getIntent(intent.id), at);
      await this.decline(market, events, intent.id, null, 'intent_withdrawn', at);
      return done;
    });
    return (await this.supplierViews([closed]))[0]!;
  }

  private async decline(market: MarketplaceStore, events: MarketplaceAnnouncer, intentId: string, exceptId: string | null, reason: string, at: number) {
    for (const q of await market.declineLiveQuotes(intentId, exceptId, at)) {
      await events.announce({ type: 'quote.declined', institutionIds: [q.institutionId], data: { intent_id: intentId, quote_id: q.id, reason } });
    }
  }

  /** The quotes on the supplier's intent (live first, lowest rate first) beside the catalogue's offers. */
  async quotes(s: SupplierPrincipal, id: string): Promise<{ intent: SupplierIntentView; quotes: QuoteView[]; offers: Offer[] }> {
    const intent = await this.ownIntent(s, id);
    const [[view], quotes, { offers }] = await Promise.all([
      this.supplierViews([intent]),
      this.deps.store.quotesOf([intent.id]),
      this.deps.applications.offers(s, intent.contractNo),
    ]);
    quotes.sort((a, b) => Number(b.status === 'live') - Number(a.status === 'live') || a.annualRateBp - b.annualRateBp || a.id.localeCompare(b.id));
    return { intent: view!, quotes: await this.quoteViews(quotes), offers };
  }

  /**
   * Accepts one quote: an application to that bank with the consent granted now, the intent closed, every other
   * live quote declined. Of two acceptances at once the intent's conditional close lets exactly one through.
   */
  async accept(
    s: SupplierPrincipal,
    intentId: string,
    quoteId: string,
    consent: { parts: ConsentPart[]; expiresAt: number; revision?: number | undefined },
  ): Promise<ApplicationView> {
    const intent = await this.ownIntent(s, intentId);
    const quote = await this.deps.store.getQuote(quoteId);
    if (!quote || quote.intentId !== intent.id) throw quoteNotFound();
    const at = this.now();
    if (MarketplaceService.state(intent, at) !== 'open') throw this.notOpen(intent, at);
    if (quote.status !== 'live' || quote.validUntil <= at) {
      throw new ConflictError('quote_not_live', 'The quote is no longer live.', { state: quote.validUntil <= at && quote.status === 'live' ? 'expired' : quote.status });
    }
    if (consent.revision !== undefined && consent.revision !== quote.revision) {
      throw new ConflictError('quote_revised', 'The bank revised the quote; read it again.', { revision: quote.revision });
    }
    assertConsentExpiry(consent.expiresAt, at);
    const contract = await this.deps.applications.supplierContract(s, intent.contractNo);
    if (contract.reasons.length) {
      throw new ConflictError('contract_not_financeable', 'This contract cannot be financed now.', { reasons: contract.reasons });
    }
    // The offer as the region's policy allows it now: a bureau may have tightened it since the bank quoted.
    const [product, lineage, institutions, policy] = await Promise.all([
      this.deps.financing.getProduct(quote.productId),
      this.deps.regions.lineageCodes(contract.purchaserRegionCode),
      this.deps.institutions.summaries([quote.institutionId]),
      this.deps.policy?.effective(contract.purchaserRegionCode),
    ]);
    const offer = product && offerOf(product, contract, lineage, institutions.get(quote.institutionId), policy && { rules: policy.rules, shareBaseFen: shareBase(contract) });
    if (!offer || offer.product.institutionId !== quote.institutionId) {
      throw new BusinessRuleError('product_not_offered', 'The product behind this quote no longer serves this contract.');
    }
    if (quote.amountFen > offer.maxLoanFen) {
      throw new BusinessRuleError('amount_exceeds_limit', `The most this product lends on this contract now is ${offer.maxLoanFen} fen.`, { max_amount: offer.maxLoanFen });
    }
    if (await this.deps.financing.hasOpenApplication(s.uscc, contract.contractNo, quote.productId)) {
      // Most often a concurrent acceptance of this very intent got there first: say so.
      const now = await this.deps.store.getIntent(intent.id);
      if (now && MarketplaceService.state(now, at) !== 'open') throw this.notOpen(now, at);
      throw new ConflictError('duplicate_application', 'An open application for this contract and product exists.');
    }
    const application = newApplication(contract, offer.product, {
      requestedAmountFen: quote.amountFen,
      parts: consent.parts,
      expiresAt: consent.expiresAt,
      at,
      intentId: intent.id,
    });
    await this.deps.transactional(async ({ market, financing, events }) => {
      if (!(await market.closeIntent(intent.id, 'accepted', { acceptedQuoteId: quote.id, applicationId: application.id }, at))) {
        throw this.notOpen(await market.getIntent(intent.id), at);
      }
      const accepted = await market.setQuoteStatus(quote.id, ['live'], 'accepted', at);
      if (!accepted) throw new ConflictError('quote_not_live', 'The quote is no longer live.', { state: (await market.getQuote(quote.id))?.status ?? 'unknown' });
      await this.decline(market, events, intent.id, quote.id, 'another_quote_accepted', at);
      await financing.insertApplication(application, { from: null, to: 'submitted', actor: `supplier:${s.uscc}`, reasonCode: null, reasonText: null, at });
      await events.record({
        type: 'application.submitted',
        contractNo: application.contractNo,
        applicationId: application.id,
        institutionId: application.institutionId,
        data: {
          application_id: application.id,
          contract_no: application.contractNo,
          requested_amount: application.requestedAmountFen,
          consent_parts: application.consentParts,
          consent_expires_at: isoTime(application.consentExpiresAt),
        },
      });
    });
    return { ...application, institutionName: offer.institutionName, consentLive: true };
  }

  // Banks

  private summary(i: Intent): Pick<MarketIntentView, 'purchaserRegionCode' | 'contractAmountBand' | 'acceptanceStatus'> {
    const shown = new Set(i.visibleFields);
    return {
      ...(shown.has('purchaser_region') ? { purchaserRegionCode: i.purchaserRegionCode } : {}),
      ...(shown.has('contract_amount_band') ? { contractAmountBand: amountBand(i.contractAmountFen) } : {}),
      ...(shown.has('acceptance_status') ? { acceptanceStatus: i.contractAccepted ? ('accepted' as const) : ('not_accepted' as const) } : {}),
    };
  }

  private async marketViews(p: InstitutionPrincipal, intents: Intent[]): Promise<MarketIntentView[]> {
    const at = this.now();
    const mine = new Map((await this.quoteViews(await this.deps.store.quotesOf(intents.map((i) => i.id), p.institutionId))).map((q) => [q.intentId, q]));
    return intents.map((i) => {
      const q = mine.get(i.id);
      return {
        id: i.id,
        amountFen: i.amountFen,
        termDays: i.termDays,
        category: i.category,
        state: MarketplaceService.state(i, at),
        expiresAt: i.expiresAt,
        createdAt: i.createdAt,
        ...this.summary(i),
        ...(q ? { myQuote: q } : {}),
      };
    });
  }

  /** Every region the institution serves: the subtrees of its coverage. */
  private async servedRegions(p: InstitutionPrincipal): Promise<string[]> {
    const institution = await this.deps.institutions.get(p.institutionId);
    if (!institution) return [];
    const subtrees = await Promise.all(institution.coverage.map((c) => this.deps.regions.subtreeCodes(c)));
    return [...new Set(subtrees.flat())];
  }

  async listForInstitution(p: InstitutionPrincipal, before: IntentCursor | undefined, limit: number): Promise<Page<MarketIntentView>> {
    const regions = await this.servedRegions(p);
    const page = await readPage(limit, (n) => this.deps.store.listOpenIntents(regions, this.now(), before, n));
    return { items: await this.marketViews(p, page.items), more: page.more };
  }

  /** An intent whose purchaser the institution serves; any other is the same 404 as none. */
  private async servedIntent(p: InstitutionPrincipal, id: string): Promise<Intent> {
    const intent = await this.deps.store.getIntent(id);
    if (!intent) throw intentNotFound();
    const institution = await this.deps.institutions.get(p.institutionId);
    const lineage = await this.deps.regions.lineageCodes(intent.purchaserRegionCode);
    if (!institution || !institution.coverage.some((c) => lineage.includes(c))) throw intentNotFound();
    return intent;
  }

  async getForInstitution(p: InstitutionPrincipal, id: string): Promise<MarketIntentView> {
    return (await this.marketViews(p, [await this.servedIntent(p, id)]))[0]!;
  }

  /** Makes or revises the institution's one quote on an intent, within its product and the contract. */
  async quote(p: InstitutionPrincipal, intentId: string, input: QuoteInput): Promise<QuoteView> {
    const intent = await this.servedIntent(p, intentId);
    const at = this.now();
    if (MarketplaceService.state(intent, at) !== 'open') throw this.notOpen(intent, at);
    if (input.validUntil <= at || input.validUntil > at + MAX_QUOTE_MS) {
      throw new BusinessRuleError('invalid_quote_validity', 'A quote must be valid into the future and for at most 30 days.');
    }
    const [product, contract, lineage, institutions] = await Promise.all([
      this.deps.financing.getProduct(input.productId),
      this.deps.contracts.get(intent.contractNo),
      this.deps.regions.lineageCodes(intent.purchaserRegionCode),
      this.deps.institutions.summaries([p.institutionId]),
    ]);
    const unpaidFen = contract ? Math.max(0, contract.amountFen - contract.paidFen) : 0;
    const offer =
      product && product.institutionId === p.institutionId && contract
        ? offerOf(product, { category: contract.category, unpaidFen }, lineage, institutions.get(p.institutionId))
        : undefined;
    if (!offer) throw new BusinessRuleError('product_not_offered', 'Quote under one of your approved products that serves this contract.');
    const most = Math.min(offer.maxLoanFen, intent.amountFen);
    if (input.amountFen > most) {
      throw new BusinessRuleError('amount_exceeds_limit', `At most ${most} fen can be quoted on this intent.`, { max_amount: most });
    }
    if (input.annualRateBp < offer.product.rateMinBp || input.annualRateBp > offer.product.rateMaxBp) {
      throw new BusinessRuleError('rate_outside_product', 'The rate is outside the product\'s range.');
    }
    if (input.termDays < offer.product.termMinDays || input.termDays > offer.product.termMaxDays) {
      throw new BusinessRuleError('term_outside_product', 'The term is outside the product\'s range.');
    }
    await this.deps.policy?.enforce(intent.purchaserRegionCode, {
      amountFen: input.amountFen,
      shareBaseFen: contract ? shareBase(contract) : 0,
      rateBp: input.annualRateBp,
      feesFen: input.feesFen,
    });
    const saved = await this.deps.transactional(({ market }) =>
      market.saveQuote({
        id: randomUUID(),
        intentId: intent.id,
        institutionId: p.institutionId,
        productId: offer.product.id,
        amountFen: input.amountFen,
        annualRateBp: input.annualRateBp,
        termDays: input.termDays,
        feesFen: input.feesFen,
        conditions: input.conditions ?? null,
        validUntil: input.validUntil,
        status: 'live',
        revision: 1,
        createdAt: at,
        updatedAt: at,
      }),
    );
    if (!saved) throw new ConflictError('quote_not_live', 'Your quote on this intent was accepted or declined already.');
    return { ...saved, institutionName: offer.institutionName };
  }

  async withdrawQuote(p: InstitutionPrincipal, intentId: string, quoteId: string): Promise<QuoteView> {
    const quote = await this.deps.store.getQuote(quoteId);
    if (!quote || quote.intentId !== intentId || quote.institutionId !== p.institutionId) throw quoteNotFound();
    const at = this.now();
    const moved = await this.deps.transactional(({ market }) => market.setQuoteStatus(quote.id, ['live'], 'withdrawn', at));
    if (!moved) throw new ConflictError('quote_not_live', 'The quote is no longer live.', { state: (await this.deps.store.getQuote(quote.id))?.status ?? quote.status });
    return (await this.quoteViews([moved]))[0]!;
  }
}
