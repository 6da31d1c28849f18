import type { Locale } from './i18n/translate.js';

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' })));
  return f;
}

/** `2026-03` as the page language writes a month: 2026年3月 / March 2026. */
export function formatMonth(month: string, locale: Locale): string {
  const [year, m] = month.split('-').map(Number);
  return dateFormat(locale, { year: 'numeric', month: 'long' }).format(Date.UTC(year!, m! - 1, 1));
}

/** `2026-03-05` (a calendar date, no time zone) as the page language writes it: 2026年3月5日 / Mar 5, 2026. */
export function formatDate(date: string, locale: Locale): string {
  const [year, month, day] = date.split('-').map(Number);
  return dateFormat(locale, { dateStyle: 'medium' }).format(Date.UTC(year!, month! - 1, day!));
}

/** Basis points as a percentage with two decimals, by integer arithmetic: 8750 → 87.50%. */
export function formatBasisPoints(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`not a count of basis points: ${bp}`);
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

/** A whole count with thousands separators: 12345 → 12,345. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
