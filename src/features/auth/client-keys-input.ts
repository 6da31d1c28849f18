import type { JWK } from 'jose';
import { ValidationError } from '../../errors.js';
import { clientJwksSchema, registeredKeys, type RegisteredKey } from './jwks.js';
import { jwksUriProblem } from './remote-jwks.js';
import { chars } from '../../http/fields.js';

/** The key members of a client registration: an inline JWKS or a `jwks_uri`. */
export const clientKeysFields = {
  jwks: clientJwksSchema.optional(),
  jwks_uri: chars(2048).optional(),
};

/** A client's keys as registered: the checked inline keys, or the `jwks_uri` (its keys are fetched on use). */
export interface ClientKeysRegistration {
  keys: RegisteredKey[];
  jwksUri: string | null;
}

/** Checks exactly one of `jwks` / `jwks_uri` and the keys themselves; throws {@link ValidationError} naming the field. */
export async function clientKeysRegistration(
  input: { jwks?: { keys: object[] } | undefined; jwks_uri?: string | undefined },
  allowPrivate: boolean,
): Promise<ClientKeysRegistration> {
  const bad = (pointer: string, detail: string) => new ValidationError([{ in: 'body', pointer, detail }]);
  if ((input.jwks === undefined) === (input.jwks_uri === undefined)) throw bad('', 'give exactly one of jwks and jwks_uri');
  if (input.jwks_uri !== undefined) {
    const problem = jwksUriProblem(input.jwks_uri, allowPrivate);
    if (problem) throw bad('/jwks_uri', problem);
    return { keys: [], jwksUri: input.jwks_uri };
  }
  try {
    return { keys: await registeredKeys(input.jwks as { keys: JWK[] }), jwksUri: null };
  } catch (err) {
    throw bad('/jwks', (err as Error).message);
  }
}
