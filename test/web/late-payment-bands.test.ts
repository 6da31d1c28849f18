import { describe, expect, it } from 'vitest';
import type { components } from '../../src/generated/openapi.js';
import { daysBands } from '../../src/web/console/supervision/late-payment-bands.js';

type LatePayment = components['schemas']['LatePayment'];

/** One contract accepted `days` ago: amount, paid and overdue in fen. */
const contract = (no: string, days: number, amount: number, paid: number, overdue: number): LatePayment => ({
  contract_no: no,
  purchaser: { name: '新城区教育局', region_code: '150102' },
  supplier: { uscc: '91150100MA0N0AAA0B', name: '内蒙古青城智联科技有限公司' },
  amount,
  accepted_on: '2026-09-01',
  days_since_acceptance: days,
  payment_days: 30,
  due_amount: amount - (amount - paid - overdue),
  paid_amount: paid,
  overdue_amount: overdue,
  overdue_since: overdue > 0 ? '2026-10-01' : null,
  days_overdue: overdue > 0 ? days - 30 : 0,
  late: overdue > 0,
  financed: false,
});

describe('unpaid money by days since acceptance', () => {
  it('sums each band in fen and marks past the statutory 30 days only a band with money overdue', () => {
    const bands = daysBands([
      contract('A', 10, 1_000_000, 0, 0), // within the 30 days: not yet due
      contract('B', 45, 1_000_000, 950_000, 0), // paid but its 5 % retention, not yet due
      contract('C', 100, 2_000_000, 1_000_000, 900_000), // late: 9,000 yuan overdue
      contract('D', 120, 500_001, 0, 400_001),
    ]);
    expect(bands.map((b) => [b.fromDay, b.contracts, b.overdueFen, b.notYetDueFen, b.pastStatutory])).toEqual([
      [0, 1, 0, 1_000_000, false],
      [31, 1, 0, 50_000, false],
      [61, 0, 0, 0, false],
      [91, 2, 1_300_001, 200_000, true],
      [181, 0, 0, 0, false],
    ]);
    expect(bands[3]!.lateContracts).toBe(2);
  });
});
