import type { Problem } from '../../shared/api/client.js';
import type { MessageKey } from '../../shared/i18n/messages.js';

/** The fields of the institution forms, as the API names them. */
export const INSTITUTION_FIELDS = ['name', 'uscc', 'license_no', 'type', 'regions', 'jwks', 'jwks_uri', 'webhook_url'] as const;

/** The message at a field for the API's answer: specific where the field has one kind of mistake. */
export function institutionFieldMessage(field: string, problem: Problem): MessageKey | undefined {
  if (field === 'uscc') return problem.code === 'institution_exists' ? 'institutions.error.usccTaken' : 'institutions.error.uscc';
  if (field === 'regions') return problem.code === 'outside_region' ? 'institutions.error.outsideRegion' : 'institutions.error.regions';
  if (field === 'jwks') return 'institutions.error.jwks';
  if (field === 'jwks_uri') return 'institutions.error.jwksUri';
  if (field === 'webhook_url') return 'institutions.error.webhookUrl';
  return undefined;
}

/** Reads an uploaded JWKS file: its `keys`, or the message key of what is wrong with it. */
export async function readJwksFile(file: File): Promise<{ jwks: { keys: Record<string, unknown>[] } } | { error: MessageKey }> {
  if (file.size > 64 * 1024) return { error: 'institutions.error.jwksFile' };
  try {
    const parsed = JSON.parse(await file.text()) as unknown;
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys)) {
      return { jwks: { keys: (parsed as { keys: Record<string, unknown>[] }).keys } };
    }
  } catch {
    // Not JSON: the same message as JSON without keys.
  }
  return { error: 'institutions.error.jwksFile' };
}
