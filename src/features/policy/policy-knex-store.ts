import type { Knex } from 'knex';
import type { PolicyStore, StoredPolicy } from './policy-store.js';

interface Row {
  region_code: string;
  max_share_bp: number | null;
  max_amount_fen: number | string | null;
  max_rate_bp: number | null;
  fees_allowed: boolean | number | null;
  decide_days: number | null;
  disburse_days: number | null;
  updated_at: number | string;
  updated_by: string;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Regions' own policies in SQLite or PostgreSQL. */
export class KnexPolicyStore implements PolicyStore {
  constructor(private readonly db: Knex) {}

  async getMany(regionCodes: readonly string[]): Promise<Map<string, StoredPolicy>> {
    if (!regionCodes.length) return new Map();
    const rows = (await this.db('region_policies').whereIn('region_code', [...regionCodes])) as Row[];
    return new Map(
      rows.map((r) => [
        r.region_code,
        {
          regionCode: r.region_code,
          rules: {
            maxShareBp: numOrNull(r.max_share_bp),
            maxAmountFen: numOrNull(r.max_amount_fen),
            maxRateBp: numOrNull(r.max_rate_bp),
            feesAllowed: r.fees_allowed === null || r.fees_allowed === undefined ? null : Boolean(r.fees_allowed),
            decideDays: numOrNull(r.decide_days),
            disburseDays: numOrNull(r.disburse_days),
          },
          updatedAt: Number(r.updated_at),
          updatedBy: r.updated_by,
        },
      ]),
    );
  }

  async save(p: StoredPolicy): Promise<void> {
    const columns = {
      max_share_bp: p.rules.maxShareBp,
      max_amount_fen: p.rules.maxAmountFen,
      max_rate_bp: p.rules.maxRateBp,
      fees_allowed: p.rules.feesAllowed,
      decide_days: p.rules.decideDays,
      disburse_days: p.rules.disburseDays,
      updated_at: p.updatedAt,
      updated_by: p.updatedBy,
    };
    await this.db('region_policies').insert({ region_code: p.regionCode, ...columns }).onConflict('region_code').merge(columns);
  }
}
