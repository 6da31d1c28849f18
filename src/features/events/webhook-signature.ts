import { createHmac } from 'node:crypto';

/** The key bytes of a `whsec_` secret (the base64 part, decoded). */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * The `webhook-signature` header of the Standard Webhooks specification: `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">` for each secret, space-separated (the new secret first during a rotation's overlap).
 */
export function webhookSignature(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets
    .map((s) => `v1,${createHmac('sha256', webhookKey(s)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`)
    .join(' ');
}
