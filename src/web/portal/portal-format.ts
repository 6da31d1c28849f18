import type { Locale } from '../shared/i18n/translate.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** An API timestamp (ISO 8601, UTC) as a person in Inner Mongolia reads it: Beijing time, date and minutes. */
export function formatDateTime(iso: string, locale: Locale): string {
  let f = formats.get(locale);
  if (!f) formats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' })));
  return f.format(new Date(iso));
}
