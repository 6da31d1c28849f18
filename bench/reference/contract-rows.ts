/** A contract row as R1 stores it: the columns the gateway's `contracts` table has, payment terms as JSON text. */
export interface ContractRow {
  contract_no: string;
  project_no: string;
  purchaser_name: string;
  purchaser_region_code: string;
  supplier_uscc: string;
  supplier_name: string;
  category: string;
  amount_fen: number;
  paid_fen: number;
  status: string;
  signed_on: string;
  procurement_method: string;
  payment_terms: string;
}

/** The contract number of R1's row `i`. */
export const r1ContractNo = (i: number): string => `NMG-ZC-2025-${String(i).padStart(6, '0')}`;

/** Row `i` of R1's table; its JSON form (see {@link contractJson}) is about 1.5 KB, like the gateway's Contract. */
export function contractRow(i: number): ContractRow {
  const amount = 5_000_000 + ((i * 7_919) % 2_000_000_000);
  return {
    contract_no: r1ContractNo(i),
    project_no: `NMGZC2025-${String(i % 9973).padStart(5, '0')}-GK`,
    purchaser_name: '呼和浩特市新城区教育局（本级）',
    purchaser_region_code: '150102',
    supplier_uscc: '91150100MA0N0AAA0B',
    supplier_name: '内蒙古草原信息技术有限责任公司',
    category: ['goods', 'services', 'works'][i % 3]!,
    amount_fen: amount,
    paid_fen: Math.floor(amount * 0.3),
    status: 'active',
    signed_on: '2025-03-18',
    procurement_method: '公开招标',
    payment_terms: JSON.stringify({
      advance_share_bp: 3000,
      currency: 'CNY',
      milestones: [
        { name: '合同签订后预付款', share_bp: 3000, due: '合同签订后10个工作日内', condition: '供应商提交预付款保函及合法有效发票' },
        { name: '到货验收合格后支付', share_bp: 4000, due: '验收合格后15个工作日内', condition: '采购人出具履约验收报告，供应商提交发票' },
        { name: '质保期满后支付尾款', share_bp: 3000, due: '质保期满且无质量问题后15个工作日内', condition: '质保期12个月，期间无重大质量问题' },
      ],
      bank_note: '资金支付至合同约定的供应商收款账户；融资期间以锁定的回款账户为准。',
      late_payment: { rate_bp_per_day: 5, cap_bp: 500, note: '采购人逾期付款的，按日万分之五支付违约金，累计不超过合同金额的百分之五。' },
      warranty: { months: 12, deposit_bp: 300, note: '质量保证金于质保期满后无息退还。' },
      remarks: 'Payments are made by the treasury (国库集中支付) into the collection account named in the contract.',
    }),
  };
}

/** The wire form of a row, shaped like the gateway's Contract schema. */
export function contractJson(r: ContractRow): Record<string, unknown> {
  return {
    contract_no: r.contract_no,
    project_no: r.project_no,
    purchaser: { name: r.purchaser_name, region_code: r.purchaser_region_code },
    supplier_uscc: r.supplier_uscc,
    supplier_name: r.supplier_name,
    category: r.category,
    amount: Number(r.amount_fen),
    paid: Number(r.paid_fen),
    unpaid: Number(r.amount_fen) - Number(r.paid_fen),
    status: r.status,
    signed_on: r.signed_on,
    procurement_method: r.procurement_method,
    payment_terms: JSON.parse(r.payment_terms) as unknown,
  };
}
