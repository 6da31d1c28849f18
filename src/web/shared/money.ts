// Money in the pages is integer fen, as on the wire. These two functions are the only way between fen and the
// yuan text a person reads or types; both work on digits as text, never through a floating-point number.

/** Why a typed amount was refused; each has a message in the i18n table (`money.error.<code>`). */
export type MoneyInputError =
  | 'empty'
  | 'full_width'
  | 'not_a_number'
  | 'negative'
  | 'too_many_decimals'
  | 'zero'
  | 'too_large'
  | 'above_max';

/** The outcome of {@link parseYuanToFen}. */
export type ParsedMoney = { ok: true; fen: number } | { ok: false; error: MoneyInputError };

const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/** Groups an unsigned run of digits by thousands: `1234567` → `1,234,567`. */
function groupThousands(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

/**
 * Formats integer fen as yuan for people: `123456` → `¥1,234.56`, `5` → `¥0.05`, `-100` → `-¥1.00`.
 * Throws a `RangeError` for anything but a safe integer (a fractional fen is a bug upstream).
 */
export function formatFen(fen: number | bigint): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const text = fen.toString();
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(3, '0');
  const yuan = digits.slice(0, -2);
  const jiao = digits.slice(-2);
  return `${negative ? '-' : ''}¥${groupThousands(yuan)}.${jiao}`;
}

/**
 * An axis tick of money, short enough for a phone: whole 万元 as `¥1,500万`, anything else as {@link formatFen}.
 * Chart scales pick round ticks, so on an axis of millions of yuan every tick is whole 万元; the exact amounts are
 * in the tooltip and the table beside the chart.
 */
export function formatFenAxis(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const wan = 1_000_000; // fen in 1万元
  // The origin is plain ¥0 beside ¥300万 as beside ¥1,500.00, not a lone ¥0.00 under whole 万元.
  if (fen === 0) return '¥0';
  if (fen % wan !== 0) return formatFen(fen);
  const digits = Math.abs(fen / wan).toString();
  return `${fen < 0 ? '-' : ''}¥${groupThousands(digits)}万`;
}

/** Full-width forms (`１２３．４５`), the ideographic space and the full-width yen sign. */
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000\uFFE5]/;
/** Plain digits, or digits grouped by commas in threes, then at most two decimals. */
const AMOUNT = /^(\d+|\d{1,3}(,\d{3})+)(\.(\d+))?$/;

/**
 * Reads an amount of yuan typed by a person (`12345.67`, `12,345.6`, `100`) into fen exactly. Refuses what is
 * empty, written in full-width characters, not a plain decimal number (letters, `1e309`, `Infinity`),
 * negative, has three or more decimals, is zero, exceeds the largest amount the interface carries, or exceeds
 * `maxFen` when given.
 */
export function parseYuanToFen(input: string, maxFen?: number): ParsedMoney {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'empty' };
  if (FULL_WIDTH.test(text)) return { ok: false, error: 'full_width' };
  if (/^-/.test(text)) return AMOUNT.test(text.slice(1)) ? { ok: false, error: 'negative' } : { ok: false, error: 'not_a_number' };
  const m = AMOUNT.exec(text);
  if (!m) return { ok: false, error: 'not_a_number' };
  const decimals = m[4] ?? '';
  if (decimals.length > 2) return { ok: false, error: 'too_many_decimals' };
  const fen = BigInt(m[1]!.replaceAll(',', '') + decimals.padEnd(2, '0'));
  if (fen === 0n) return { ok: false, error: 'zero' };
  if (fen > MAX_FEN) return { ok: false, error: 'too_large' };
  if (maxFen !== undefined && fen > BigInt(maxFen)) return { ok: false, error: 'above_max' };
  return { ok: true, fen: Number(fen) };
}
