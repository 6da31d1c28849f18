import { translate, type Locale } from './i18n/translate.js';

/** `2026-03` as the page language writes a month: 2026年3月 / 3/2026. */
export function formatMonth(month: string, locale: Locale): string {
  const [year, m] = month.split('-');
  return translate(locale, 'format.month', { year: year ?? '', month: String(Number(m)) });
}

/** `2026-03-05` (a calendar date) as the page language writes it: 2026年3月5日 / 2026-03-05. */
export function formatDate(date: string, locale: Locale): string {
  const [year, month, day] = date.split('-');
  return translate(locale, 'format.date', { year: year ?? '', month: String(Number(month)), day: String(Number(day)), iso: date });
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
