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
