/** Months the dashboard shows at once, at most (as `getDashboard` allows). */
export const MAX_MONTHS = 24;

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** The month `delta` months after `month` (`YYYY-MM`). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + delta, 1)).toISOString().slice(0, 7);
}

/** The twelve months up to and including the current one in China Standard Time. */
export function defaultPeriod(now = Date.now()): { from: string; to: string } {
  const to = new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);
  return { from: addMonths(to, -11), to };
}

/** Why the period cannot be asked for, or undefined when it can. */
export function periodProblem(from: string, to: string): 'format' | 'order' | 'length' | undefined {
  if (!MONTH.test(from) || !MONTH.test(to)) return 'format';
  if (from > to) return 'order';
  if (addMonths(from, MAX_MONTHS - 1) < to) return 'length';
  return undefined;
}
