import { parseYuanToFen } from '../../shared/money.js';
import type { MessageKey } from '../../shared/i18n/messages.js';

/** What a person typed in the applications filter form. */
export interface FilterInput {
  status?: string | undefined;
  region?: string | undefined;
  institution?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  amountMin?: string | undefined;
  amountMax?: string | undefined;
}

/** The query of `listAdminApplications` those filters make. */
export interface FilterQuery {
  status?: string;
  region?: string;
  institution_id?: string;
  created_from?: string;
  created_to?: string;
  amount_min?: number;
  amount_max?: number;
}

/** The form's fields, as the list's address keeps what was typed in them. */
const FIELDS = ['status', 'region', 'institution', 'from', 'to', 'amountMin', 'amountMax'] as const satisfies readonly (keyof FilterInput)[];

/** The filters kept in the list's address (`?amountMin=10000&from=2026-12-01`), as typed; unknown names are ignored. */
export function filtersFromSearch(params: URLSearchParams): FilterInput {
  const v: FilterInput = {};
  for (const name of FIELDS) {
    const value = params.get(name);
    if (value !== null && value.trim()) v[name] = value;
  }
  return v;
}

/** The address's search for the filters a person applied: each non-empty field as typed. */
export function searchOfFilters(v: FilterInput): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const value = (v[name] ?? '').trim();
    if (value) params.set(name, value);
  }
  return params;
}

let lastListSearch = '';

/** Remembers the list's filters, so that an application's page leads back to the list as it was left. */
export function rememberListSearch(search: string): void {
  lastListSearch = search;
}

/** The list as it was last left in this tab (its filters; the first page). */
export const applicationsListHref = (): string => (lastListSearch ? `/applications?${lastListSearch}` : '/applications');

const DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;

/**
 * A calendar date as a person types it — 2026-12-01, 2026/12/1, 2026.12.1 or 2026年12月1日, the way the console
 * writes dates — as `YYYY-MM-DD`; undefined when it is not a date of the calendar.
 */
export function calendarDate(s: string): string | undefined {
  const m = DATE.exec(s.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  // 2026-13-01 is no date at all (an invalid Date, whose toISOString throws); 2026-02-30 rolls over to March.
  const day = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(day.valueOf()) && day.toISOString().startsWith(iso) ? iso : undefined;
}

/**
 * Checks the filter form and builds the list's query, amounts in integer fen: `{ query }`, or `{ errors }` naming
 * each field that is wrong with the message for it. Empty fields filter nothing.
 */
export function filterQuery(v: FilterInput): { query: FilterQuery; errors?: undefined } | { errors: { name: keyof FilterInput; message: MessageKey }[] } {
  const errors: { name: keyof FilterInput; message: MessageKey }[] = [];
  const query: FilterQuery = {};
  const text = (s: string | undefined) => (s ?? '').trim();
  if (text(v.status)) query.status = text(v.status);
  if (text(v.region)) query.region = text(v.region);
  if (text(v.institution)) query.institution_id = text(v.institution);
  for (const [field, key] of [
    ['from', 'created_from'],
    ['to', 'created_to'],
  ] as const) {
    const s = text(v[field]);
    if (!s) continue;
    const date = calendarDate(s);
    if (date) query[key] = date;
    else errors.push({ name: field, message: 'supervise.error.date' });
  }
  if (query.created_from && query.created_to && query.created_to < query.created_from) errors.push({ name: 'to', message: 'supervise.error.dateOrder' });
  for (const [field, key] of [
    ['amountMin', 'amount_min'],
    ['amountMax', 'amount_max'],
  ] as const) {
    const s = text(v[field]);
    if (!s) continue;
    const parsed = parseYuanToFen(s);
    if (parsed.ok) query[key] = parsed.fen;
    else errors.push({ name: field, message: `money.error.${parsed.error === 'above_max' ? 'too_large' : parsed.error}` });
  }
  if (query.amount_min !== undefined && query.amount_max !== undefined && query.amount_max < query.amount_min) {
    errors.push({ name: 'amountMax', message: 'supervise.error.amountOrder' });
  }
  return errors.length ? { errors } : { query };
}
