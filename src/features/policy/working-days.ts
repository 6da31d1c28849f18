import chineseDays from 'chinese-days';

// China's public holidays and make-up working days (调休) move every year; `chinese-days` keeps the State
// Council's calendar as data (updated with each year's announcement), so deadlines count real working days.

const DAY_MS = 86_400_000;
/** China Standard Time, UTC+8, no daylight saving. */
const CST_MS = 8 * 3_600_000;

/** The calendar date in China of an instant (`YYYY-MM-DD`). */
export function chinaDate(ms: number): string {
  return new Date(ms + CST_MS).toISOString().slice(0, 10);
}

/**
 * The end (24:00 China time) of the `days`-th working day after the day of `startMs`: a bank that must decide
 * within 2 working days of a Friday submission has until Tuesday's end, and a holiday week adds its length.
 */
export function workingDayDeadline(startMs: number, days: number): number {
  const last = chineseDays.findWorkday(days, chinaDate(startMs));
  return Date.parse(`${last}T00:00:00+08:00`) + DAY_MS;
}
