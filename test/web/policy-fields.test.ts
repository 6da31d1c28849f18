import { describe, expect, it } from 'vitest';
import { inputToRules, percentToBp, rulesToInput } from '../../src/web/console/policy/policy-fields.js';

describe('the policy form’s fields', () => {
  it('reads percentages into basis points without floating point, and refuses what is not 0–100 with two decimals', () => {
    expect(percentToBp('6.5')).toBe(650);
    expect(percentToBp('0.07')).toBe(7);
    expect(percentToBp('100')).toBe(10_000);
    for (const bad of ['100.01', '6.555', '-1', 'abc', '', '1e2']) expect(percentToBp(bad), bad).toBeUndefined();
  });

  it('turns the form into the API’s rules (empty is inherit) and back', () => {
    const typed = { max_share_bp: '80', max_amount: '5000000', max_rate_bp: '6.5', fees_allowed: 'no', decide_days: '5', disburse_days: '' } as const;
    const out = inputToRules(typed);
    expect(out).toEqual({ rules: { max_share_bp: 8000, max_amount: 500_000_000, max_rate_bp: 650, fees_allowed: false, decide_days: 5, disburse_days: null } });
    if ('rules' in out) expect(rulesToInput(out.rules)).toEqual({ ...typed, disburse_days: undefined });
  });

  it('names each field in error', () => {
    const out = inputToRules({ max_share_bp: '120', max_amount: '１００', max_rate_bp: '', fees_allowed: 'inherit', decide_days: '0', disburse_days: '61' });
    expect('errors' in out && out.errors).toEqual([
      { name: 'max_amount', message: 'money.error.full_width' },
      { name: 'max_share_bp', message: 'policy.error.percent' },
      { name: 'decide_days', message: 'policy.error.days' },
      { name: 'disburse_days', message: 'policy.error.days' },
    ]);
  });
});
