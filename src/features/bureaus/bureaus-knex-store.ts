import type { Knex } from 'knex';
import type { JWK } from 'jose';
import { KnexAdminAuditStore } from '../audit/admin-audit-knex-store.js';
import { insertClient } from '../auth/clients-knex-store.js';
import type { Bureau, BureauStore } from './bureaus-store.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

interface Row {
  client_id: string;
  region_code: string;
  name: string;
  jwks_uri: string | null;
  created_at: number | string;
}

/** Bureaus in SQLite or PostgreSQL: `bureaus` joined with their `clients` row. */
export class KnexBureauStore implements BureauStore {
  constructor(private readonly db: Knex) {}

  transaction<T>(fn: (store: BureauStore) => Promise<T>): Promise<T> {
    return withTransactionRetry(this.db, (trx) => fn(new KnexBureauStore(trx)));
  }

  async create(b: Parameters<BureauStore['create']>[0]): Promise<void> {
    await insertClient(this.db, {
      clientId: b.clientId,
      kind: 'bureau',
      status: 'active',
      dpopRequired: false,
      jwksUri: b.jwksUri,
      keys: b.keys,
      createdAt: b.createdAt,
    });
    await this.db('bureaus').insert({
      client_id: b.clientId,
      region_code: b.regionCode,
      name: b.name,
      created_by: b.createdBy,
      created_at: b.createdAt,
    });
  }

  async get(clientId: string): Promise<Bureau | undefined> {
    return (await this.hydrate(this.base().where('b.client_id', clientId)))[0];
  }

  async byRegion(regionCode: string): Promise<Bureau | undefined> {
    return (await this.hydrate(this.base().where('b.region_code', regionCode)))[0];
  }

  async list(q: { regions: string[]; afterClientId?: string; limit: number }): Promise<Bureau[]> {
    const query = this.base().whereIn('b.region_code', q.regions).orderBy('b.client_id').limit(q.limit);
    if (q.afterClientId !== undefined) query.where('b.client_id', '>', q.afterClientId);
    return this.hydrate(query);
  }

  async audit(entry: Parameters<BureauStore['audit']>[0]): Promise<void> {
    await new KnexAdminAuditStore(this.db).record(entry);
  }

  private base() {
    return this.db('bureaus as b')
      .join('clients as c', 'c.client_id', 'b.client_id')
      .select('b.client_id', 'b.region_code', 'b.name', 'c.jwks_uri', 'b.created_at');
  }

  private async hydrate(query: Knex.QueryBuilder): Promise<Bureau[]> {
    const rows = (await query) as Row[];
    if (!rows.length) return [];
    const keys: { client_id: string; jwk: string }[] = await this.db('client_keys')
      .whereIn('client_id', rows.map((r) => r.client_id))
      .orderBy('jkt');
    return rows.map((r) => ({
      clientId: r.client_id,
      regionCode: r.region_code,
      name: r.name,
      jwks: r.jwks_uri === null ? keys.filter((k) => k.client_id === r.client_id).map((k) => JSON.parse(k.jwk) as JWK) : null,
      jwksUri: r.jwks_uri,
      createdAt: Number(r.created_at),
    }));
  }
}
