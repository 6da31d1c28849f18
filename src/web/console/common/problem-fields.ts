import type { FormInstance } from 'antd';
import type { Problem } from '../../shared/api/client.js';
import { problemText } from '../../shared/api/problem-text.js';
import type { MessageKey } from '../../shared/i18n/messages.js';

/** What a form shows for a problem: messages at its fields and, for what belongs to no field, one for the form. */
export interface FormProblem {
  fields: { name: string; errors: string[] }[];
  general?: string;
}

/**
 * Maps a problem+json answer onto a form's fields: `errors[].pointer` (`/uscc`, `/regions/0`, `/jwks/keys/0/d`)
 * names the field by its first segment; a few codes belong to one field whatever the pointer. `known` lists the
 * form's fields; each field gets the Chinese (or English) message for it from `messageFor`, else the API's detail.
 */
export function problemFields(
  problem: unknown,
  known: readonly string[],
  t: (key: MessageKey, params?: Record<string, string>) => string,
  messageFor: (field: string, problem: Problem) => MessageKey | undefined,
): FormProblem {
  const p = (problem ?? {}) as Partial<Problem>;
  if (typeof p.code !== 'string') return { fields: [], general: t('console.error.network') };
  const fields = new Map<string, string[]>();
  const add = (field: string, text: string) => fields.set(field, [...(fields.get(field) ?? []), text]);
  const byCode: Record<string, string> = { outside_region: 'regions', institution_exists: 'uscc' };
  const codeField = byCode[p.code];
  if (codeField && known.includes(codeField)) add(codeField, t(messageFor(codeField, p as Problem) ?? 'console.error.field', { detail: p.detail ?? '' }));
  for (const e of p.errors ?? []) {
    const field = e.pointer.split('/')[1] ?? '';
    const target = known.includes(field) ? field : field === '' && known.includes('jwks') ? 'jwks' : undefined;
    if (target) add(target, t(messageFor(target, p as Problem) ?? 'console.error.field', { detail: e.detail }));
  }
  if (fields.size > 0) return { fields: [...fields].map(([name, errors]) => ({ name, errors: [...new Set(errors)] })) };
  return { fields: [], general: t('console.error.general', { detail: problemText(p, t) }) };
}

/** Puts a {@link FormProblem} on an antd form and moves the focus to the first field in error. */
export function showProblem(form: FormInstance, shown: FormProblem, setGeneral: (text: string | undefined) => void): void {
  form.setFields(shown.fields.map((f) => ({ name: f.name, errors: f.errors })));
  setGeneral(shown.general);
  if (shown.fields[0]) form.scrollToField(shown.fields[0].name, { focus: true });
}
