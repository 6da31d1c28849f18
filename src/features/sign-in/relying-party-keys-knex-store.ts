import type { Knex } from 'knex';
import type { JWK } from 'jose';
import type { RelyingPartyKeyStore, StoredRelyingPartyKey } from './relying-party-keys.js';

/** The relying-party keys in SQLite or PostgreSQL (`signin_keys`). */
export class KnexRelyingPartyKeyStore implements RelyingPartyKeyStore {
  constructor(private readonly db: Knex) {}

  async all(): Promise<StoredRelyingPartyKey[]> {
    const rows: { kid: string; alg: string; private_jwk: string; public_jwk: string; created_at: string | number }[] =
      await this.db('signin_keys').where('status', 'active');
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      privateJwk: JSON.parse(r.private_jwk) as JWK,
      publicJwk: JSON.parse(r.public_jwk) as JWK,
      createdAt: Number(r.created_at),
    }));
  }

  async insert(k: StoredRelyingPartyKey): Promise<void> {
    await this.db('signin_keys').insert({
      kid: k.kid,
      alg: k.alg,
      status: 'active',
      private_jwk: JSON.stringify(k.privateJwk),
      public_jwk: JSON.stringify(k.publicJwk),
      created_at: k.createdAt,
    });
  }
}
