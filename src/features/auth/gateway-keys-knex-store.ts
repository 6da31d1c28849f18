import type { Knex } from 'knex';
import type { JWK } from 'jose';
import { withTransactionRetry } from '../../db/transaction-retry.js';
import type { GatewayKeyStore, StoredGatewayKey } from './gateway-keys.js';

interface Row {
  kid: string;
  alg: string;
  status: 'active' | 'previous';
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
    }));
  }

  async add(key: StoredGatewayKey): Promise<void> {
    await this.db('gateway_keys').insert(toRow(key));
  }

  async rotate(key: StoredGatewayKey): Promise<void> {
    await withTransactionRetry(this.db, async (trx) => {
      await trx('gateway_keys').where({ status: 'previous' }).delete();
      await trx('gateway_keys').where({ status: 'active' }).update({ status: 'previous' });
      await trx('gateway_keys').insert(toRow(key));
    });
  }
}
