import type { PaymentTerms } from '../../../adapters/procurement-cloud.js';

/** The payment periods after acceptance (保障中小企业款项支付条例, revised 2025), in days; configuration. */
export interface PaymentRules {
  /** When the contract sets no period: 30. */
  statutoryDays: number;
  /** The longest period a contract may set: 60. */
  maxDays: number;
}

/** The statutory rule as published. */
export const STATUTORY_PAYMENT_RULES: PaymentRules = { statutoryDays: 30, maxDays: 60 };

/** One amount the purchaser owes by a date. */
export interface DueItem {
  name: string;
  amountFen: number;
  /** `YYYY-MM-DD`, China Standard Time. */
  dueOn: string;
}

/** Where a contract's payments stand on one day. */
export interface PaymentStanding {
  /** The payment period after acceptance that applies. */
  paymentDays: number;
  /** What has fallen due before `today` (its due date passed). */
  dueFen: number;
  paidFen: number;
  /** Due and not paid. */
  overdueFen: number;
  /** The earliest due date the payments made do not cover, when something is overdue. */
  overdueSince: string | null;
  /** The milestone due then. */
  overdueMilestone: string | null;
  daysOverdue: number;
}

const DAY_MS = 86_400_000;

/** `date` plus `days` calendar days. */
export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The period the contract's stages without a date are paid within after acceptance: its own, at most the maximum. */
export function paymentDaysOf(terms: Pick<PaymentTerms, 'paymentDays'>, rules: PaymentRules): number {
  return Math.min(terms.paymentDays ?? rules.statutoryDays, rules.maxDays);
}

/**
 * The amounts a contract's terms make due, each with its date: a stage with a date of its own falls due then;
 * the advance and every other stage fall due `paymentDays` after acceptance (not yet, before acceptance);
 * retention money (质保金) only on its own date. Shares are of the contract amount; the last stage listed takes
 * the rounding remainder so the amounts add up to the amount exactly.
 */
export function dueItems(amountFen: number, terms: PaymentTerms, acceptedOn: string | null, rules: PaymentRules): DueItem[] {
  const afterAcceptance = acceptedOn === null ? null : addDays(acceptedOn, paymentDaysOf(terms, rules));
  const stages = [{ name: '预付款', sharePercent: terms.advanceSharePercent } as PaymentTerms['milestones'][number], ...terms.milestones];
  const shares = stages.map((s) => Math.floor((amountFen * s.sharePercent) / 100));
  const total = stages.reduce((sum, s) => sum + s.sharePercent, 0);
  if (total === 100) shares[shares.length - 1]! += amountFen - shares.reduce((a, b) => a + b, 0);
  const out: DueItem[] = [];
  stages.forEach((s, k) => {
    const amount = shares[k]!;
    if (amount <= 0) return;
    const dueOn = s.dueOn ?? (s.retention ? null : afterAcceptance);
    if (dueOn !== null) out.push({ name: s.name, amountFen: amount, dueOn });
  });
  return out.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
}

/**
 * Where the payments stand on `today`: payments cover the earliest due amounts first; what fell due before today
 * and is not covered is overdue, since the due date of the first amount not covered.
 */
export function paymentStanding(
  c: { amountFen: number; terms: PaymentTerms; acceptedOn: string | null; paidFen: number },
  today: string,
  rules: PaymentRules,
): PaymentStanding {
  const items = dueItems(c.amountFen, c.terms, c.acceptedOn, rules).filter((i) => i.dueOn < today);
  let cumulative = 0;
  let since: DueItem | undefined;
  for (const item of items) {
    cumulative += item.amountFen;
    if (!since && cumulative > c.paidFen) since = item;
  }
  const overdueFen = Math.max(0, cumulative - c.paidFen);
  return {
    paymentDays: paymentDaysOf(c.terms, rules),
    dueFen: cumulative,
    paidFen: c.paidFen,
    overdueFen,
    overdueSince: overdueFen > 0 && since ? since.dueOn : null,
    overdueMilestone: overdueFen > 0 && since ? since.name : null,
    daysOverdue: overdueFen > 0 && since ? daysBetween(since.dueOn, today) : 0,
  };
}
