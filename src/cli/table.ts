import Table from 'cli-table3';

/**
 * Prints rows as a bordered table for a person at a terminal; Chinese characters count two columns, so the
 * borders line up. No colours, so the same text reads right in a pipe or a log. `empty` is printed for no rows.
 */
export function printTable(head: string[], rows: (string | number)[][], empty: string): void {
  if (rows.length === 0) {
    console.log(empty);
    return;
  }
  const table = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  table.push(...rows.map((r) => r.map(String)));
  console.log(table.toString());
}

/** Integer fen as yuan for a person, on the digits (never a float): `123456789` → `1,234,567.89`. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const digits = Math.abs(fen).toString().padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${fen < 0 ? '-' : ''}${whole}.${digits.slice(-2)}`;
}
