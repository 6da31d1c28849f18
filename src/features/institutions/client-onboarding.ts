import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { epochMs, type Clock } from '../../clock.js';
import { clientKeysRegistration } from '../auth/client-keys-input.js';
import type { AdminAuditEntry } from '../audit/admin-audit.js';
import type { RegisteredKey } from '../auth/jwks.js';

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** A new client id with a prefix naming its kind. */
export const newClientId = (prefix: 'ins' | 'bur'): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** What every onboarded OAuth client starts with: its id, its checked keys (or `jwks_uri`), and when. */
export interface NewClient {
  clientId: string;
  keys: RegisteredKey[];
  jwksUri: string | null;
  at: number;
}


/**
 * The step bureaus and institutions are onboarded through alike, whoever asks (a bureau over HTTP, the
 * operator with `zcd bureaus create` / `zcd institutions onboard`): the keys are checked (exactly one of an
 * inline JWKS or a `jwks_uri`, which must be an allowed address), and the client gets an id naming its kind.
 */
export class ClientOnboarding {
  constructor(private readonly deps: { config: Pick<Config, 'jwksUriAllowPrivate'>; clock: Clock }) {}

  async newClient(kind: 'bureau' | 'institution', keys: { jwks?: { keys: object[] } | undefined; jwksUri?: string | undefined }): Promise<NewClient> {
    const registration = await clientKeysRegistration({ jwks: keys.jwks, jwks_uri: keys.jwksUri }, this.deps.config.jwksUriAllowPrivate);
    return { clientId: newClientId(kind === 'bureau' ? 'bur' : 'ins'), ...registration, at: epochMs(this.deps.clock) };
  }

  /** The audit entry of a client's creation. */
  created(client: NewClient, actor: string | null, action: string, after: unknown): AdminAuditEntry {
    return { at: client.at, actor, action, target: client.clientId, before: null, after };
  }
}
