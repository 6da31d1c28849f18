import { describe, expect, it } from 'vitest';
import { calendarDate, filterQuery, filtersFromSearch, searchOfFilters } from '../../src/web/console/applications/application-filters.js';

describe('the applications filter’s dates', () => {
  it('takes a date as a person types it, including the way the console writes one', () => {
    for (const typed of ['2026-12-01', '2026/12/1', '2026.12.01', '2026年12月1日', ' 2026 年 12 月 1 日 ', '2026-12-1']) expect(calendarDate(typed), typed).toBe('2026-12-01');
    expect(calendarDate('2024年2月29日')).toBe('2024-02-29');
  });

  it('refuses what is not a day of the calendar', () => {
    for (const typed of ['2026-02-30', '2025/2/29', '2026-13-01', '2026-12', '12/01/2026', '2026-12-01T00:00', 'abc', '２０２６-12-01']) expect(calendarDate(typed), typed).toBeUndefined();
  });

  it('asks the API for YYYY-MM-DD, and names the field that is wrong', () => {
    expect(filterQuery({ from: '2026/11/1', to: '2026年12月1日' })).toEqual({ query: { created_from: '2026-11-01', created_to: '2026-12-01' } });
    expect(filterQuery({ from: '2026-02-30' })).toEqual({ errors: [{ name: 'from', message: 'supervise.error.date' }] });
    expect(filterQuery({ from: '2026/12/2', to: '2026/12/1' })).toEqual({ errors: [{ name: 'to', message: 'supervise.error.dateOrder' }] });
  });
});

describe('the applications filter in the list’s address', () => {
  it('keeps what was typed, field by field, and gives the same query back', () => {
    const typed = { status: 'submitted', region: '150102', from: '2026年12月1日', amountMin: '10000', amountMax: ' ' };
    const search = searchOfFilters(typed);
    expect(search.toString()).toBe('status=submitted&region=150102&from=2026%E5%B9%B412%E6%9C%881%E6%97%A5&amountMin=10000');
    const back = filtersFromSearch(new URLSearchParams(search.toString()));
    expect(back).toEqual({ status: 'submitted', region: '150102', from: '2026年12月1日', amountMin: '10000' });
    expect(filterQuery(back)).toEqual({ query: { status: 'submitted', region: '150102', created_from: '2026-12-01', amount_min: 1_000_000 } });
  });

  it('ignores names it does not know, and an edited address still meets the form’s checks', () => {
    expect(filtersFromSearch(new URLSearchParams('page_token=x&amount_min=5&region='))).toEqual({});
    expect(filterQuery(filtersFromSearch(new URLSearchParams('to=2026-13-01')))).toEqual({ errors: [{ name: 'to', message: 'supervise.error.date' }] });
  });
});
