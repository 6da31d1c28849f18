import { describe, expect, it } from 'vitest';
import { hoursSummary, nearestRank, ratioBp, tenthsOfHours } from '../../src/features/statistics/figures.js';
import { addMonths, datePeriod, monthPeriod, previousMonth } from '../../src/features/statistics/period.js';
import { csvField } from '../../src/features/statistics/monthly-report-csv.js';
import { TokenBucketLimiter } from '../../src/features/public/token-bucket.js';
import { etagMatches } from '../../src/features/public/http-cache.js';

const H = 3_600_000;

describe('nearest-rank percentiles', () => {
  it('takes the value at rank ⌈p·n⌉, without floating-point drift', () => {
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1);
    // 0.9 × 30 is 27.000000000000004 in floating point; the rank must still be 27.
    expect(nearestRank(thirty, 90)).toBe(27);
    expect(nearestRank(thirty, 50)).toBe(15);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('summarises durations in hours rounded half up to one decimal', () => {
    expect(hoursSummary([])).toEqual({ count: 0, median: null, p90: null });
    expect(hoursSummary([72 * H, 2 * H + 3 * 60_000, 6 * H])).toEqual({ count: 3, median: 6, p90: 72 });
    expect(tenthsOfHours(2 * H + 3 * 60_000)).toBe(2.1); // 2.05 h
    expect(tenthsOfHours(2 * H + 2 * 60_000 + 59_999)).toBe(2);
    expect(tenthsOfHours(0)).toBe(0);
  });
});

describe('rates in basis points', () => {
  it('round half up in integers, null over nothing', () => {
    expect(ratioBp(2, 3)).toBe(6667);
    expect(ratioBp(1, 3)).toBe(3333);
    expect(ratioBp(1, 20_000)).toBe(1); // 0.5 bp rounds up
    expect(ratioBp(0, 5)).toBe(0);
    expect(ratioBp(5, 5)).toBe(10_000);
    expect(ratioBp(0, 0)).toBeNull();
  });
});

describe('periods in UTC+08:00', () => {
  it('a month starts at 16:00 UTC the day before', () => {
    expect(monthPeriod('2026-03')).toEqual({ from: '2026-03-01', to: '2026-03-31', start: Date.parse('2026-02-28T16:00:00Z'), end: Date.parse('2026-03-31T16:00:00Z') });
    expect(monthPeriod('2024-02').to).toBe('2024-02-29');
    expect(monthPeriod('2026-12').end).toBe(Date.parse('2026-12-31T16:00:00Z'));
  });

  it('the previous month is the one before the CST month containing now', () => {
    expect(previousMonth(Date.parse('2026-03-31T15:59:59Z'))).toBe('2026-02');
    expect(previousMonth(Date.parse('2026-03-31T16:00:00Z'))).toBe('2026-03');
    expect(previousMonth(Date.parse('2026-01-10T00:00:00Z'))).toBe('2025-12');
    expect(addMonths('2026-11', 2)).toBe('2027-01');
  });

  it('from–to days are inclusive and bounded', () => {
    expect(datePeriod('2026-03-31', '2026-03-31').end - datePeriod('2026-03-31', '2026-03-31').start).toBe(24 * H);
    expect(() => datePeriod('2026-03-02', '2026-03-01')).toThrow();
    expect(() => datePeriod('2025-01-01', '2026-01-02')).toThrow();
  });
});

describe('CSV fields', () => {
  it('quote separators and defuse formulas', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});

describe('token bucket', () => {
  it('allows the capacity at once, then one token per period/capacity', () => {
    let now = 0;
    const bucket = new TokenBucketLimiter(3, 60_000, () => new Date(now));
    expect([1, 2, 3].map(() => bucket.take('a').ok)).toEqual([true, true, true]);
    expect(bucket.take('a')).toEqual({ ok: false, retryAfterS: 20 });
    expect(bucket.take('b').ok).toBe(true);
    now = 19_999;
    expect(bucket.take('a')).toEqual({ ok: false, retryAfterS: 1 });
    now = 20_000;
    expect(bucket.take('a').ok).toBe(true);
    now = 10 * 60_000;
    expect([1, 2, 3, 4].map(() => bucket.take('a').ok)).toEqual([true, true, true, false]);
  });
});

describe('If-None-Match', () => {
  it('matches a listed, weak or wildcard tag', () => {
    expect(etagMatches('"x"', '"x"')).toBe(true);
    expect(etagMatches('W/"x"', '"x"')).toBe(true);
    expect(etagMatches('"a", "x"', '"x"')).toBe(true);
    expect(etagMatches('*', '"x"')).toBe(true);
    expect(etagMatches('"y"', '"x"')).toBe(false);
    expect(etagMatches(undefined, '"x"')).toBe(false);
  });
});
