import type { Knex } from 'knex';
import type { JWK } from 'jose';
import { withTransactionRetry } from '../../db/transaction-retry.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { GatewayKeyStore, StoredGatewayKey } from './gateway-keys.js';

interface Row {
  kid: string;
  alg: string;
  status: 'active' | 'previous' | 'retired';
  retired_at?: number | string | null;
  private_jwk: string;
  public_jwk: string;
  created_at: number | string;
}

const toRow = (k: StoredGatewayKey): Row => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  private_jwk: JSON.stringify(k.privateJwk),
  public_jwk: JSON.stringify(k.publicJwk),
  created_at: k.createdAt,
});

/** The gateway's signing keys in `gateway_keys`. */
export class KnexGatewayKeyStore implements GatewayKeyStore {
  constructor(private readonly db: Knex) {}

  async all(): Promise<StoredGatewayKey[]> {
    const rows = (await this.db('gateway_keys').select('*')) as Row[];
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      status: r.status,
      privateJwk: JSON.parse(r.private_jwk) as JWK,
      publicJwk: JSON.parse(r.public_jwk) as JWK,
      createdAt: Number(r.created_at),
      retiredAt: r.retired_at === null || r.retired_at === undefined ? null : Number(r.retired_at),
    }));
  }

  async add(key: StoredGatewayKey): Promise<void> {
    try {
      await this.db('gateway_keys').insert(toRow(key));
    } catch (err) {
      // Another instance starting at the same moment made the active key (the one-active index): use that one.
      if (!isUniqueViolation(err)) throw err;
    }
  }

  async rotate(key: StoredGatewayKey, now: number, purgeBefore: number): Promise<void> {
    await withTransactionRetry(this.db, async (trx) => {
      await trx('gateway_keys').where({ status: 'retired' }).where('retired_at', '<', purgeBefore).delete();
      await trx('gateway_keys').where({ status: 'previous' }).update({ status: 'retired', retired_at: now });
      await trx('gateway_keys').where({ status: 'active' }).update({ status: 'previous' });
      await trx('gateway_keys').insert(toRow(key));
    });
  }
}
