import { describe, expect, it } from 'vitest';
import { formatFen, formatFenAxis, parseYuanToFen } from '../../src/web/shared/money.js';

describe('formatFenAxis', () => {
  it.each([
    [0, '¥0'],
    [300_000_000, '¥300万'],
    [1_500_000_000, '¥1,500万'],
    [-1_000_000, '-¥1万'],
    [150_000, '¥1,500.00'],
    [1_500_000_050, '¥15,000,000.50'],
  ])('%s fen on an axis is %s', (fen, text) => {
    expect(formatFenAxis(fen)).toBe(text);
  });
});

describe('formatFen', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [10, '¥0.10'],
    [100, '¥1.00'],
    [123456, '¥1,234.56'],
    [100000000, '¥1,000,000.00'],
    [-100, '-¥1.00'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
    [12345678901234567890n, '¥123,456,789,012,345,678.90'],
  ])('%s fen is %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('refuses what is not a whole number of fen', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
    expect(() => formatFen(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe('parseYuanToFen', () => {
  it.each([
    ['1', 100],
    ['0.01', 1],
    ['0.1', 10],
    ['12345.67', 1234567],
    ['1,234.5', 123450],
    ['  100 ', 10000],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['1.13', 113],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%j is %i fen', (text, fen) => {
    expect(parseYuanToFen(text)).toEqual({ ok: true, fen });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['abc', 'not_a_number'],
    ['12a', 'not_a_number'],
    ['1e309', 'not_a_number'],
    ['1e3', 'not_a_number'],
    ['Infinity', 'not_a_number'],
    ['NaN', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['1.', 'not_a_number'],
    ['.5', 'not_a_number'],
    ['1,23', 'not_a_number'],
    ['1 000', 'not_a_number'],
    ['1.234', 'too_many_decimals'],
    ['0.001', 'too_many_decimals'],
    ['１２３', 'full_width'],
    ['123．45', 'full_width'],
    ['￥100', 'full_width'],
    ['-5', 'negative'],
    ['-1e3', 'not_a_number'],
    ['90071992547409.92', 'too_large'],
    ['99999999999999999999', 'too_large'],
  ])('%j is refused as %s', (text, error) => {
    expect(parseYuanToFen(text)).toEqual({ ok: false, error });
  });

  it('refuses an amount above the given maximum, and accepts the maximum itself', () => {
    expect(parseYuanToFen('1000.01', 100000)).toEqual({ ok: false, error: 'above_max' });
    expect(parseYuanToFen('1000', 100000)).toEqual({ ok: true, fen: 100000 });
  });

  it('reads back what formatFen writes, for amounts of every size', () => {
    for (const fen of [1, 9, 10, 99, 100, 101, 123456, 1000000, 987654321012, Number.MAX_SAFE_INTEGER]) {
      expect(parseYuanToFen(formatFen(fen).slice(1))).toEqual({ ok: true, fen });
    }
  });
});
