import type { Knex } from 'knex';
import type { ContractCategory } from '../financing/financing-store.js';
import type { Intent, IntentCursor, IntentVisibleField, MarketplaceStore, Quote, QuoteStatus, StoredIntentStatus } from './marketplace-store.js';

const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

interface IntentRow {
  id: string;
  supplier_uscc: string;
  contract_no: string;
  purchaser_region_code: string;
  category: string;
  amount_fen: number | string;
  term_days: number;
  visible_fields: string;
  contract_amount_fen: number | string;
  contract_accepted: boolean | number;
  status: string;
  expires_at: number | string;
  accepted_quote_id: string | null;
  application_id: string | null;
  created_at: number | string;
  updated_at: number | string;
}

interface QuoteRow {
  id: string;
  intent_id: string;
  institution_id: string;
  product_id: string;
  amount_fen: number | string;
  annual_rate_bp: number;
  term_days: number;
  fees_fen: number | string;
  conditions: string | null;
  valid_until: number | string;
  status: string;
  revision: number;
  created_at: number | string;
  updated_at: number | string;
}

const toIntent = (r: IntentRow): Intent => ({
  id: r.id,
  supplierUscc: r.supplier_uscc,
  contractNo: r.contract_no,
  purchaserRegionCode: r.purchaser_region_code,
  category: r.category as ContractCategory,
  amountFen: num(r.amount_fen),
  termDays: num(r.term_days),
  visibleFields: r.visible_fields ? (r.visible_fields.split(',') as IntentVisibleField[]) : [],
  contractAmountFen: num(r.contract_amount_fen),
  contractAccepted: Boolean(r.contract_accepted),
  status: r.status as StoredIntentStatus,
  expiresAt: num(r.expires_at),
  acceptedQuoteId: r.accepted_quote_id,
  applicationId: r.application_id,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const toQuote = (r: QuoteRow): Quote => ({
  id: r.id,
  intentId: r.intent_id,
  institutionId: r.institution_id,
  productId: r.product_id,
  amountFen: num(r.amount_fen),
  annualRateBp: num(r.annual_rate_bp),
  termDays: num(r.term_days),
  feesFen: num(r.fees_fen),
  conditions: r.conditions,
  validUntil: num(r.valid_until),
  status: r.status as QuoteStatus,
  revision: num(r.revision),
  createdAt: num(r.created_at),
  updatedAt: numOrNull(r.updated_at) ?? num(r.created_at),
});

const newestFirst = [
  { column: 'created_at', order: 'desc' as const },
  { column: 'id', order: 'desc' as const },
];

/** Intents and quotes in SQLite or PostgreSQL. */
export class KnexMarketplaceStore implements MarketplaceStore {
  constructor(private readonly db: Knex) {}

  private before(query: Knex.QueryBuilder, before: IntentCursor | undefined): void {
    if (!before) return;
    query.where((w) => w.where('created_at', '<', before.createdAt).orWhere((x) => x.where('created_at', before.createdAt).where('id', '<', before.id)));
  }

  async insertIntent(i: Intent): Promise<void> {
    await this.db('financing_intents').insert({
      id: i.id,
      supplier_uscc: i.supplierUscc,
      contract_no: i.contractNo,
      purchaser_region_code: i.purchaserRegionCode,
      category: i.category,
      amount_fen: i.amountFen,
      term_days: i.termDays,
      visible_fields: i.visibleFields.join(','),
      contract_amount_fen: i.contractAmountFen,
      contract_accepted: i.contractAccepted,
      status: i.status,
      expires_at: i.expiresAt,
      accepted_quote_id: i.acceptedQuoteId,
      application_id: i.applicationId,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
    });
  }

  async getIntent(id: string): Promise<Intent | undefined> {
    const row = (await this.db('financing_intents').where({ id }).first()) as IntentRow | undefined;
    return row && toIntent(row);
  }

  async openIntentOn(contractNo: string, now: number): Promise<Intent | undefined> {
    const row = (await this.db('financing_intents').where({ contract_no: contractNo, status: 'open' }).where('expires_at', '>', now).first()) as
      | IntentRow
      | undefined;
    return row && toIntent(row);
  }

  async listSupplierIntents(uscc: string, before: IntentCursor | undefined, limit: number): Promise<Intent[]> {
    const query = this.db('financing_intents').where({ supplier_uscc: uscc }).orderBy(newestFirst).limit(limit);
    this.before(query, before);
    return ((await query) as IntentRow[]).map(toIntent);
  }

  async listOpenIntents(regionCodes: readonly string[], now: number, before: IntentCursor | undefined, limit: number): Promise<Intent[]> {
    if (!regionCodes.length) return [];
    const query = this.db('financing_intents')
      .where({ status: 'open' })
      .where('expires_at', '>', now)
      .whereIn('purchaser_region_code', [...regionCodes])
      .orderBy(newestFirst)
      .limit(limit);
    this.before(query, before);
    return ((await query) as IntentRow[]).map(toIntent);
  }

  async closeIntent(id: string, to: 'accepted' | 'withdrawn', link: { acceptedQuoteId?: string; applicationId?: string }, at: number): Promise<Intent | undefined> {
    const [row] = (await this.db('financing_intents')
      .where({ id, status: 'open' })
      .where('expires_at', '>', at)
      .update({
        status: to,
        ...(link.acceptedQuoteId ? { accepted_quote_id: link.acceptedQuoteId } : {}),
        ...(link.applicationId ? { application_id: link.applicationId } : {}),
        updated_at: at,
      })
      .returning('*')) as IntentRow[];
    return row && toIntent(row);
  }

  async liveQuoteCounts(intentIds: readonly string[], now: number): Promise<Map<string, number>> {
    if (!intentIds.length) return new Map();
    const rows = (await this.db('intent_quotes')
      .select('intent_id')
      .count({ n: '*' })
      .whereIn('intent_id', [...intentIds])
      .where({ status: 'live' })
      .where('valid_until', '>', now)
      .groupBy('intent_id')) as { intent_id: string; n: number | string }[];
    return new Map(rows.map((r) => [r.intent_id, num(r.n)]));
  }

  async getQuote(id: string): Promise<Quote | undefined> {
    const row = (await this.db('intent_quotes').where({ id }).first()) as QuoteRow | undefined;
    return row && toQuote(row);
  }

  async quotesOf(intentIds: readonly string[], institutionId?: string): Promise<Quote[]> {
    if (!intentIds.length) return [];
    const query = this.db('intent_quotes').whereIn('intent_id', [...intentIds]).orderBy('id');
    if (institutionId !== undefined) query.where({ institution_id: institutionId });
    return ((await query) as QuoteRow[]).map(toQuote);
  }

  async saveQuote(q: Quote): Promise<Quote | undefined> {
    const terms = {
      product_id: q.productId,
      amount_fen: q.amountFen,
      annual_rate_bp: q.annualRateBp,
      term_days: q.termDays,
      fees_fen: q.feesFen,
      conditions: q.conditions,
      valid_until: q.validUntil,
      status: 'live',
      updated_at: q.updatedAt,
    };
    // One statement decides between a first quote and a revision, so two at once cannot make two quotes; an
    // accepted or declined quote is never revived.
    const [row] = (await this.db('intent_quotes')
      .insert({ id: q.id, intent_id: q.intentId, institution_id: q.institutionId, revision: 1, created_at: q.createdAt, ...terms })
      .onConflict(['intent_id', 'institution_id'])
      .merge({ ...terms, revision: this.db.raw('?? + 1', ['intent_quotes.revision']) })
      .where('intent_quotes.status', 'in', ['live', 'withdrawn'])
      .returning('*')) as QuoteRow[];
    return row && toQuote(row);
  }

  async setQuoteStatus(id: string, from: readonly QuoteStatus[], to: QuoteStatus, at: number): Promise<Quote | undefined> {
    const [row] = (await this.db('intent_quotes').where({ id }).whereIn('status', [...from]).update({ status: to, updated_at: at }).returning('*')) as QuoteRow[];
    return row && toQuote(row);
  }

  async declineLiveQuotes(intentId: string, exceptId: string | null, at: number): Promise<Quote[]> {
    const query = this.db('intent_quotes').where({ intent_id: intentId, status: 'live' });
    if (exceptId !== null) query.whereNot('id', exceptId);
    const rows = (await query.update({ status: 'declined', updated_at: at }).returning('*')) as QuoteRow[];
    return rows.map(toQuote);
  }
}
