import type { components } from '../../../generated/openapi.js';

type LatePayment = components['schemas']['LatePayment'];

/** Integer fen as plain yuan for a spreadsheet cell, by integer arithmetic: 123456 → 1234.56. */
export function fenAsYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const HEADERS = [
  '合同编号', '采购人', '采购人地区代码', '供应商', '供应商统一社会信用代码', '合同金额（元）', '验收日期', '验收后天数', '付款期限（天）',
  '应付金额（元）', '已付金额（元）', '逾期金额（元）', '逾期起始日', '逾期天数', '是否逾期', '是否融资',
];

const cell = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Late payments as CSV (RFC 4180) with Chinese headers: UTF-8 with a byte-order mark so that Excel reads the
 * names, CRLF line ends, amounts in yuan with two decimals exactly, and a final 合计 row of the amounts.
 */
export function latePaymentsCsv(items: readonly LatePayment[]): string {
  const rows = items.map((p) => [
    p.contract_no, p.purchaser.name, p.purchaser.region_code, p.supplier.name, p.supplier.uscc, fenAsYuan(p.amount), p.accepted_on,
    p.days_since_acceptance, p.payment_days, fenAsYuan(p.due_amount), fenAsYuan(p.paid_amount), fenAsYuan(p.overdue_amount),
    p.overdue_since ?? '', p.days_overdue, p.late ? '是' : '否', p.financed ? '是' : '否',
  ]);
  const sum = (k: 'amount' | 'due_amount' | 'paid_amount' | 'overdue_amount') => fenAsYuan(items.reduce((a, p) => a + p[k], 0));
  const total = ['合计', '', '', '', '', sum('amount'), '', '', '', sum('due_amount'), sum('paid_amount'), sum('overdue_amount'), '', '', '', ''];
  return '\uFEFF' + [HEADERS, ...rows, total].map((r) => r.map(cell).join(',') + '\r\n').join('');
}
