import type { Knex } from 'knex';
import type { JWK } from 'jose';
import type { RegisteredKey } from './jwks.js';

/** What kind of party an OAuth client is. */
export type ClientKind = 'institution' | 'bureau';

/** Lifecycle status of a client (a bureau is always `active`). */
export type ClientStatus = 'pending' | 'active' | 'suspended' | 'revoked';

/** An OAuth client as the token endpoint sees it. */
export interface ClientRecord {
  clientId: string;
  kind: ClientKind;
  status: ClientStatus;
  dpopRequired: boolean;
  jwksUri: string | null;
  /** Registered keys: the inline JWKS, or the keys last fetched from `jwksUri`. */
  keys: RegisteredKey[];
  /** For a bureau, its region. */
  regionCode: string | null;
}

/** Persistence of OAuth clients and their keys. */
export interface ClientStore {
  find(clientId: string): Promise<ClientRecord | undefined>;
  /** Status of the client if `jkt` is one of its registered keys: one primary-key read. */
  statusWithKey(clientId: string, jkt: string): Promise<{ status: ClientStatus; kind: ClientKind } | undefined>;
  /** Makes `keys` the client's registered keys. */
  replaceKeys(clientId: string, keys: RegisteredKey[]): Promise<void>;
}

interface ClientRow {
  client_id: string;
  kind: ClientKind;
  status: ClientStatus;
  dpop_required: boolean | number;
  jwks_uri: string | null;
  region_code: string | null;
}

/** Writes a client's keys inside `db` (a transaction or the pool). */
export async function writeClientKeys(db: Knex, clientId: string, keys: RegisteredKey[]): Promise<void> {
  await db('client_keys').where({ client_id: clientId }).delete();
  if (keys.length) {
    await db('client_keys').insert(keys.map((k) => ({ client_id: clientId, jkt: k.jkt, kid: k.kid, jwk: JSON.stringify(k.jwk) })));
  }
}

/** Clients in SQLite or PostgreSQL. */
export class KnexClientStore implements ClientStore {
  constructor(private readonly db: Knex) {}

  async find(clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db<ClientRow>('clients as c')
      .leftJoin('bureaus as b', 'b.client_id', 'c.client_id')
      .where('c.client_id', clientId)
      .first('c.client_id', 'c.kind', 'c.status', 'c.dpop_required', 'c.jwks_uri', 'b.region_code');
    if (!row) return undefined;
    const keys: { jkt: string; kid: string | null; jwk: string }[] = await this.db('client_keys')
      .where('client_id', clientId)
      .orderBy('jkt');
    return {
      clientId: row.client_id,
      kind: row.kind,
      status: row.status,
      dpopRequired: Boolean(row.dpop_required),
      jwksUri: row.jwks_uri,
      regionCode: row.region_code,
      keys: keys.map((k) => ({ jkt: k.jkt, kid: k.kid, jwk: JSON.parse(k.jwk) as JWK })),
    };
  }

  async statusWithKey(clientId: string, jkt: string) {
    const row = await this.db('client_keys as k')
      .join('clients as c', 'c.client_id', 'k.client_id')
      .where({ 'k.client_id': clientId, 'k.jkt': jkt })
      .first<{ status: ClientStatus; kind: ClientKind } | undefined>('c.status', 'c.kind');
    return row;
  }

  async replaceKeys(clientId: string, keys: RegisteredKey[]): Promise<void> {
    await this.db.transaction((trx) => writeClientKeys(trx, clientId, keys));
  }
}

/** A new client row and its keys, inside `db` (a transaction). */
export async function insertClient(
  db: Knex,
  c: { clientId: string; kind: ClientKind; status: ClientStatus; dpopRequired: boolean; jwksUri: string | null; keys: RegisteredKey[]; createdAt: string },
): Promise<void> {
  await db('clients').insert({
    client_id: c.clientId,
    kind: c.kind,
    status: c.status,
    dpop_required: c.dpopRequired,
    jwks_uri: c.jwksUri,
    created_at: c.createdAt,
  });
  await writeClientKeys(db, c.clientId, c.keys);
}
