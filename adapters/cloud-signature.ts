import { compactVerify, createLocalJWKSet, errors as joseErrors } from 'jose';
import { notificationPayload } from './http/wire.js';
import { CloudSignatureError, type CloudKeys } from './procurement-cloud.js';

/** The only algorithm the cloud signs with. */
export const CLOUD_SIGNING_ALG = 'ES256';

/** The `typ` header of a pushed notification. */
export const NOTIFICATION_TYP = 'zcd-cloud-notification+jws';

/** How old (or how far in the future) a notification's `iat` may be. */
export const NOTIFICATION_MAX_SKEW_SECONDS = 300;

/**
 * Verifies a notification JWS against the cloud's keys and returns its raw records.
 * Replays inside the window are harmless: the ingest is idempotent by change id.
 */
export async function verifyNotification(jws: string, keys: CloudKeys, nowMs: number = Date.now()): Promise<unknown[]> {
  let payload: Uint8Array;
  try {
    const verified = await compactVerify(jws, createLocalJWKSet(keys.jwks), { algorithms: [CLOUD_SIGNING_ALG] });
    if (verified.protectedHeader.typ !== NOTIFICATION_TYP) throw new CloudSignatureError('wrong_type', 'not a cloud notification');
    payload = verified.payload;
  } catch (err) {
    if (err instanceof CloudSignatureError) throw err;
    const code = err instanceof joseErrors.JOSEError ? err.code : 'invalid_jws';
    throw new CloudSignatureError(code, 'the notification signature is not valid', { cause: err });
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(payload));
  } catch (err) {
    throw new CloudSignatureError('invalid_payload', 'the notification payload is not JSON', { cause: err });
  }
  const parsed = notificationPayload.safeParse(body);
  if (!parsed.success) throw new CloudSignatureError('invalid_payload', 'the notification payload is malformed', { cause: parsed.error });
  if (parsed.data.iss !== keys.issuer) throw new CloudSignatureError('wrong_issuer', 'the notification is from another issuer');
  if (Math.abs(nowMs / 1000 - parsed.data.iat) > NOTIFICATION_MAX_SKEW_SECONDS) {
    throw new CloudSignatureError('stale', 'the notification is too old or from the future');
  }
  return parsed.data.records;
}
