import type { Knex } from 'knex';
import type { JWK } from 'jose';
import { PreparedStatements } from '../../db/prepared.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';
import type { ClientKind, ClientRecord, ClientStatus, ClientStore } from './clients-store.js';
import type { RegisteredKey } from './jwks.js';

interface ClientKeyRow {
  client_id: string;
  kind: ClientKind;
  status: ClientStatus;
  dpop_required: boolean | number;
  jwks_uri: string | null;
  region_code: string | null;
  /** Null when the client has no keys. */
  jkt: string | null;
  kid: string | null;
  jwk: string | null;
}

// The client and its keys in one read: a row per key (one with null key columns when it has none).
const FIND_CLIENT = `select c.client_id, c.kind, c.status, c.dpop_required, c.jwks_uri, b.region_code, k.jkt, k.kid, k.jwk
  from clients c
  left join bureaus b on b.client_id = c.client_id
  left join client_keys k on k.client_id = c.client_id
  where c.client_id = ?
  order by k.jkt`;

const STATUS_WITH_KEY = `select c.status, c.kind from client_keys k join clients c on c.client_id = k.client_id
  where k.client_id = ? and k.jkt = ?`;

/** Writes a client's keys inside `db` (a transaction or the pool). */
export async function writeClientKeys(db: Knex, clientId: string, keys: RegisteredKey[]): Promise<void> {
  await db('client_keys').where({ client_id: clientId }).delete();
  if (keys.length) {
    await db('client_keys').insert(keys.map((k) => ({ client_id: clientId, jkt: k.jkt, kid: k.kid, jwk: JSON.stringify(k.jwk) })));
  }
}

/** Clients in SQLite or PostgreSQL. */
export class KnexClientStore implements ClientStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  async find(clientId: string): Promise<ClientRecord | undefined> {
    const rows = await this.statements.all<ClientKeyRow>(FIND_CLIENT, [clientId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      clientId: row.client_id,
      kind: row.kind,
      status: row.status,
      dpopRequired: Boolean(row.dpop_required),
      jwksUri: row.jwks_uri,
      regionCode: row.region_code,
      keys: rows.filter((k) => k.jkt !== null).map((k) => ({ jkt: k.jkt!, kid: k.kid, jwk: JSON.parse(k.jwk!) as JWK })),
    };
  }

  statusWithKey(clientId: string, jkt: string) {
    return this.statements.get<{ status: ClientStatus; kind: ClientKind }>(STATUS_WITH_KEY, [clientId, jkt]);
  }

  async replaceKeys(clientId: string, keys: RegisteredKey[]): Promise<void> {
    await withTransactionRetry(this.db, (trx) => writeClientKeys(trx, clientId, keys));
  }
}

/** A new client row and its keys, inside `db` (a transaction). */
export async function insertClient(
  db: Knex,
  c: { clientId: string; kind: ClientKind; status: ClientStatus; dpopRequired: boolean; jwksUri: string | null; keys: RegisteredKey[]; createdAt: number },
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
