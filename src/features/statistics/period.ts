import { ValidationError } from '../../errors.js';

/** China Standard Time, the calendar bureaus and banks report in: UTC+08:00, no daylight saving. */
export const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** A reporting period: whole days in UTC+08:00, `from` and `to` inclusive; `start`/`end` epoch ms, end exclusive. */
export interface Period {
  from: string;
  to: string;
  start: number;
  end: number;
}

const dayStart = (date: string): number => Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS;
const cstDate = (ms: number): string => new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);

/** The period of a calendar month `YYYY-MM`. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = Date.UTC(y, m - 1, 1) - CST_OFFSET_MS;
  const end = Date.UTC(y, m, 1) - CST_OFFSET_MS;
  return { from: cstDate(start), to: cstDate(end - DAY_MS), start, end };
}

/** The period from one day to another, both inclusive; at most `maxDays` days. */
export function datePeriod(from: string, to: string, maxDays = 366): Period {
  const start = dayStart(from);
  const end = dayStart(to) + DAY_MS;
  if (end <= start) throw new ValidationError([{ in: 'query', pointer: '/to', detail: 'must not be before from' }]);
  if (end - start > maxDays * DAY_MS) {
    throw new ValidationError([{ in: 'query', pointer: '/to', detail: `the period may span at most ${maxDays} days` }]);
  }
  return { from, to, start, end };
}

/** The calendar day (UTC+08:00) containing `ms`, as `YYYY-MM-DD`. */
export function chinaDate(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The calendar month (UTC+08:00) containing `ms`, as `YYYY-MM`. */
export function monthOf(ms: number): string {
  return cstDate(ms).slice(0, 7);
}

/** The month `delta` months after `month`. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

/** The month before the one containing `ms`. */
export function previousMonth(ms: number): string {
  return addMonths(monthOf(ms), -1);
}
