import { describe, expect, it } from 'vitest';
import { dueItems, paymentDaysOf, paymentStanding, STATUTORY_PAYMENT_RULES as rules } from '../../src/features/supervision/payment-due.js';

const terms = {
  advanceSharePercent: 10,
  milestones: [
    { name: '进度款', sharePercent: 40, dueOn: '2026-05-01' },
    { name: '验收合格后', sharePercent: 47 },
    { name: '质保金', sharePercent: 3, retention: true },
  ],
};

describe('payment due dates (保障中小企业款项支付条例)', () => {
  it('uses the contract’s period, at most the maximum, else the statutory one', () => {
    expect(paymentDaysOf({}, rules)).toBe(30);
    expect(paymentDaysOf({ paymentDays: 45 }, rules)).toBe(45);
    expect(paymentDaysOf({ paymentDays: 90 }, rules)).toBe(60);
    expect(paymentDaysOf({ paymentDays: 90 }, { statutoryDays: 30, maxDays: 75 })).toBe(75);
  });

  it('dates each stage: its own date, or the period after acceptance; retention only on its own date', () => {
    expect(dueItems(1_000_001, terms, null, rules)).toEqual([{ name: '进度款', amountFen: 400_000, dueOn: '2026-05-01' }]);
    const items = dueItems(1_000_001, terms, '2026-06-10', rules);
    expect(items).toEqual([
      { name: '进度款', amountFen: 400_000, dueOn: '2026-05-01' },
      { name: '预付款', amountFen: 100_000, dueOn: '2026-07-10' },
      { name: '验收合格后', amountFen: 470_000, dueOn: '2026-07-10' },
    ]);
    // The last stage takes the rounding remainder, so with retention dated the amounts add up exactly.
    const dated = dueItems(1_000_001, { ...terms, milestones: terms.milestones.map((m) => (m.retention ? { ...m, dueOn: '2027-06-10' } : m)) }, '2026-06-10', rules);
    expect(dated.reduce((s, i) => s + i.amountFen, 0)).toBe(1_000_001);
  });

  it('is late only once a due date has passed, paid amounts covering the earliest first', () => {
    const c = { amountFen: 1_000_000, terms, acceptedOn: '2026-06-10', paidFen: 0 };
    expect(paymentStanding(c, '2026-05-01', rules)).toMatchObject({ overdueFen: 0, overdueSince: null, daysOverdue: 0 });
    expect(paymentStanding(c, '2026-05-02', rules)).toMatchObject({ dueFen: 400_000, overdueFen: 400_000, overdueSince: '2026-05-01', overdueMilestone: '进度款', daysOverdue: 1 });
    expect(paymentStanding({ ...c, paidFen: 400_000 }, '2026-07-10', rules)).toMatchObject({ overdueFen: 0 });
    expect(paymentStanding({ ...c, paidFen: 450_000 }, '2026-07-11', rules)).toMatchObject({ dueFen: 970_000, overdueFen: 520_000, overdueSince: '2026-07-10', daysOverdue: 1 });
    expect(paymentStanding({ ...c, paidFen: 970_000 }, '2027-07-11', rules)).toMatchObject({ overdueFen: 0 });
  });
});
