import type { components } from '../../../generated/openapi.js';
import { formatBasisPoints } from '../../shared/format.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen, parseYuanToFen } from '../../shared/money.js';

type Rules = components['schemas']['PolicyRules'];
/** One rule of a region's policy. */
export type Rule = keyof Rules;

/** The rules in the order the page shows them. */
export const RULES: readonly Rule[] = ['max_share_bp', 'max_amount', 'max_rate_bp', 'fees_allowed', 'decide_days', 'disburse_days'];

/** What the edit form holds: text as typed, and 'inherit' / 'yes' / 'no' for fees. */
export type RulesInput = Record<Exclude<Rule, 'fees_allowed'>, string | undefined> & { fees_allowed: 'inherit' | 'yes' | 'no' };

/** A rule's value as a person reads it (percentages, yuan, yes/no, days). */
export function formatRule(rule: Rule, value: number | boolean | null, t: (k: MessageKey) => string): string {
  if (value === null) return t('policy.unset');
  if (rule === 'fees_allowed') return t(value ? 'console.yes' : 'console.no');
  if (rule === 'max_amount') return formatFen(value as number);
  if (rule === 'max_share_bp' || rule === 'max_rate_bp') return formatBasisPoints(value as number);
  return String(value);
}

/** Basis points of a typed percentage (`6.5` → 650), by integer arithmetic; undefined when it is not 0–100 with at most two decimals. */
export function percentToBp(text: string): number | undefined {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : undefined;
}

/** The form's text for a region's own rules (what the edit form starts from). */
export function rulesToInput(own: Rules): RulesInput {
  const pct = (bp: number | null) => (bp === null ? undefined : formatBasisPoints(bp).replace('%', '').replace(/\.?0+$/, ''));
  return {
    max_share_bp: pct(own.max_share_bp),
    max_amount: own.max_amount === null ? undefined : formatFen(own.max_amount).replace('¥', '').replaceAll(',', '').replace(/\.00$/, ''),
    max_rate_bp: pct(own.max_rate_bp),
    fees_allowed: own.fees_allowed === null ? 'inherit' : own.fees_allowed ? 'yes' : 'no',
    decide_days: own.decide_days === null ? undefined : String(own.decide_days),
    disburse_days: own.disburse_days === null ? undefined : String(own.disburse_days),
  };
}

/** The body of `updateRegionPolicy` from the form, or the fields in error with their messages; empty is "inherit" (null). */
export function inputToRules(v: RulesInput): { rules: Rules } | { errors: { name: Rule; message: MessageKey }[] } {
  const errors: { name: Rule; message: MessageKey }[] = [];
  const empty = (s: string | undefined) => (s ?? '').trim() === '';
  const pct = (rule: 'max_share_bp' | 'max_rate_bp') => {
    if (empty(v[rule])) return null;
    const bp = percentToBp(v[rule]!);
    if (bp === undefined) errors.push({ name: rule, message: 'policy.error.percent' });
    return bp ?? null;
  };
  const days = (rule: 'decide_days' | 'disburse_days') => {
    if (empty(v[rule])) return null;
    const s = v[rule]!.trim();
    const n = /^\d{1,2}$/.test(s) ? Number(s) : NaN;
    if (!(n >= 1 && n <= 60)) errors.push({ name: rule, message: 'policy.error.days' });
    return n >= 1 && n <= 60 ? n : null;
  };
  let maxAmount: number | null = null;
  if (!empty(v.max_amount)) {
    const parsed = parseYuanToFen(v.max_amount!);
    if (parsed.ok) maxAmount = parsed.fen;
    else errors.push({ name: 'max_amount', message: `money.error.${parsed.error === 'above_max' ? 'too_large' : parsed.error}` });
  }
  const rules: Rules = {
    max_share_bp: pct('max_share_bp'),
    max_amount: maxAmount,
    max_rate_bp: pct('max_rate_bp'),
    fees_allowed: v.fees_allowed === 'inherit' ? null : v.fees_allowed === 'yes',
    decide_days: days('decide_days'),
    disburse_days: days('disburse_days'),
  };
  return errors.length ? { errors } : { rules };
}
