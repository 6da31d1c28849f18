/**
 * Adds an `examples` entry to every component schema of api-spec/openapi.yaml that a request body, a 2xx
 * response or a webhook uses and that has none yet, built from the schema with Inner Mongolia values
 * (budget units of 呼和浩特市 and 包头市, GB/T 2260 codes, USCCs with their check character, fen).
 * The text is inserted at the end of each schema's block, so nothing else in the file moves.
 * Review what it writes: it is a first draft for a person to correct, not a source of truth.
 *
 *   npx tsx scripts/spec-examples.ts           # prints what it would add
 *   npx tsx scripts/spec-examples.ts --write   # adds it
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { withUsccCheck } from '../src/domain/uscc.js';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  examples?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};

const file = new URL('../api-spec/openapi.yaml', import.meta.url);
const text = readFileSync(file, 'utf8');
const spec = parse(text) as { paths: Record<string, Record<string, Op>>; webhooks: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } };
interface Op {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const schemas = spec.components.schemas;
const refName = (ref: string) => ref.split('/').pop()!;

const supplierUscc = withUsccCheck('91150102MA0Q3K7T2');
const bankUscc = withUsccCheck('91150100MA0N2B5C8');
const values: Record<string, unknown> = {
  uscc: bankUscc,
  supplier_uscc: supplierUscc,
  supplier_name: '内蒙古青城智联科技有限公司',
  purchaser_name: '呼和浩特市新城区教育局',
  institution_name: '内蒙古银行股份有限公司呼和浩特分行',
  product_name: '政采贷·青城快贷',
  region_name: '呼和浩特市',
  league_name: '呼和浩特市',
  issuing_bureau_name: '呼和浩特市财政局',
  bank_name: '内蒙古银行呼和浩特新城支行',
  account_name: '内蒙古青城智联科技有限公司',
  account_number: '1501020912300004567',
  contract_no: 'NMZC-HT-0000042',
  project_no: 'NMZC-CG-2026-0042',
  loan_no: 'NMGB-DK-2026-000871',
  license_no: 'B1034H215010001',
  decision_no: '呼财采处〔2026〕17号',
  lock_ref: 'ACL-20260712-0042',
  client_id: 'ins_3f9a0c2d4e5b6a7c8d9e0f1a',
  institution_id: 'ins_3f9a0c2d4e5b6a7c8d9e0f1a',
  application_id: '0b9a4f1e-6c2d-4e8a-9f3b-5d7c1a2e8b40',
  product_id: '7d2e5a90-1b3c-4f6d-8e9a-0c1b2d3e4f50',
  intent_id: 'c41f2a6b-8d9e-4a1b-b2c3-d4e5f6a7b8c9',
  quote_id: 'e5a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b',
  accepted_quote_id: 'e5a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b',
  credit_line_id: 'a8b7c6d5-e4f3-4a2b-9c1d-0e9f8a7b6c5d',
  event_id: 'evt_5f0c7a1e9b2d4c6e8a0b1c3d5e7f9a2b',
  scope: 'institution',
  procurement_method: '公开招标',
  milestone: '第一批货物验收',
  result: '合格',
  reason_text: '申请人在建项目较多，授信额度已满',
  review_reason: '产品要素齐全，利率符合本地区上限',
  withdrawal_reason: '合同已由采购人全额支付，无需融资',
  status_reason: '年度检查未按时提交材料',
  note: '首期验收合格，尾款按合同约定支付',
  conditions: '须开立监管账户并签订回款账户锁定协议',
  finding: '在政府采购活动中提供虚假材料谋取中标',
  title: '关于2026年第三季度政府采购合同融资情况的通报',
  body: '2026年第三季度，全区共有12家金融机构通过政采贷平台为86家中小企业发放贷款2.3亿元。',
  subject: '内蒙古某某建筑工程有限公司',
  log_id: '01JD4K7M9Q2R5T8V0X3Z6B1C4E',
  csrf_token: 'q8Hk2vLm9Pz4Rt7Yw1Xc5Nb3Jd6Gf0Sa',
  access_token: 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImdhdGV3YXktMSJ9.eyJzdWIiOiJpbnNfM2Y5YTBjMmQ0ZTViNmE3YzhkOWUwZjFhIn0.c2lnbmF0dXJl',
  webhook_secret: 'whsec_MfKQ9r8GKYqXTP0dAcVnqiMvT5Zr2cEj',
  webhook_url: 'https://api.nmgbank.example.cn/zcd/webhooks',
  jwks_uri: 'https://zcd.czt.nmg.gov.cn/.well-known/jwks.json',
  issuer: 'https://zcd.czt.nmg.gov.cn',
  url: 'https://api.nmgbank.example.cn/zcd/webhooks',
  kid: 'nmgb-2026-01',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  signed_tree_head: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImdhdGV3YXktMSJ9.eyJ0cmVlX3NpemUiOjEyOH0.c2lnbmF0dXJl',
  next_page_token: 'eyJhZnRlciI6IjIwMjYtMDctMTJUMDI6MDA6MDBaIn0',
  next_after: 'evt_5f0c7a1e9b2d4c6e8a0b1c3d5e7f9a2b',
  detail: 'Application 0b9a4f1e-6c2d-4e8a-9f3b-5d7c1a2e8b40 is under_review; this needs approved.',
  error_description: 'client assertion signature did not verify',
  raw_payload: '{"htbh":"NMZC-HT-0009999","cgrmc":"包头市昆都仑区卫生健康委员会"}',
  target: 'https://api.nmgbank.example.cn/zcd/webhooks',
  pointer: '/requested_amount',
  actor: 'ins_3f9a0c2d4e5b6a7c8d9e0f1a',
  actor_name: '内蒙古银行股份有限公司呼和浩特分行',
  action: 'institution.status_changed',
  reason_code: 'credit_insufficient',
  reference: 'NMGB-HK-2026-0193',
  email: 'zhengcaidai@nmgbank.example.cn',
  phone: '0471-6961234',
  change_id: 'chg-2026071200000042',
  reason: 'unknown_contract',
  kind: 'serious_dishonesty',
  client_assertion: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Im5tZ2ItMjAyNi0wMSJ9.eyJpc3MiOiJpbnNfM2Y5YTBjMmQ0ZTViNmE3YzhkOWUwZjFhIn0.c2lnbmF0dXJl',
  kty: 'EC',
  alg: 'ES256',
  use: 'sig',
  crv: 'P-256',
  error: 'invalid_client',
};

// Counts and other plain numbers, by property.
const numbers: Record<string, number> = {
  applied: 42, skipped: 0, quarantined: 1, count: 86, median: 26.5, p90: 71, median_hours_to_funds: 38.5,
  applications: 124, sme_applications: 97, approvals: 86, rejections: 23, disbursements: 81, deadline_breaches: 2,
  live_quotes: 2, revision: 1, quote_revision: 1, attempt: 1, attempts: 1, status_code: 200, duration_ms: 142,
  tree_size: 128, leaf_index: 127, first: 96, second: 128, expires_in: 600, unread_count: 2, min_cell: 3, rank: 1,
  days_overdue: 12, days_since_acceptance: 42, payment_days: 30, working_days: 2, level: 2,
};

// `name` depends on what is named.
function nameFor(owner: string): string {
  if (/Institution|Offer/i.test(owner)) return '内蒙古银行股份有限公司呼和浩特分行';
  if (/Bureau/i.test(owner)) return '呼和浩特市财政局';
  if (/Region/i.test(owner)) return '呼和浩特市';
  if (/Product|CreditLine/i.test(owner)) return '政采贷·青城快贷';
  if (/Staff|Session/i.test(owner)) return '巴特尔';
  if (/Purchaser/i.test(owner)) return '呼和浩特市新城区教育局';
  if (/Supplier|Intent/i.test(owner)) return '内蒙古青城智联科技有限公司';
  if (/Contact/i.test(owner)) return '乌兰';
  return '呼和浩特市新城区教育局';
}

const fen: Record<string, number> = {
  amount: 86_000_000,
  requested_amount: 60_000_000,
  applied_amount: 60_000_000,
  approved_amount: 58_000_000,
  disbursed_amount: 58_000_000,
  repaid_amount: 58_000_000,
  outstanding_amount: 58_000_000,
  loan_outstanding: 58_000_000,
  max_amount: 500_000_000,
  max_loan: 63_240_000,
  contract_unpaid: 86_000_000,
  unpaid: 86_000_000,
  paid: 0,
  paid_amount: 25_800_000,
  due_amount: 60_200_000,
  overdue_amount: 60_200_000,
  available: 200_000_000,
  used: 58_000_000,
  min: 50_000_000,
  max: 100_000_000,
  fees: 0,
};

// Strings of a given pattern, by the pattern's text.
const patterned: [string, string][] = [
  ['^evt_[0-9a-f]{32}$', 'evt_5f0c7a1e9b2d4c6e8a0b1c3d5e7f9a2b'],
  ['^ntc_[0-9a-f]{24}$', 'ntc_6a1d3f5b7c9e0a2b4c6d8e0f'],
  ['^stf_[0-9a-f]{24}$', 'stf_2c4e6a8b0d1f3a5c7e9b1d3f'],
  ['^[0-9a-f]{64}$', '9f2b7c1e4d8a3f6b0c5e9d2a7f1b4c8e3d6a0f5b9c2e7d1a4f8b3c6e0d5a9f2b'],
  ['^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', 'eyJhbGciOiJFUzI1NiIsImtpZCI6InNhbmRib3gtY2xvdWQtMSJ9.eyJjaGFuZ2VfaWQiOiJjaGctMDAwMDQyIn0.c2lnbmF0dXJlLW9mLXRoZS1jbG91ZA'],
];

function nullable(s: Schema): boolean {
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('null') || (s.oneOf ?? s.anyOf ?? []).some((b) => b.type === 'null');
}

/** Whether a prepared value has the schema's type (and pattern). */
function fits(s: Schema, v: unknown): boolean {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (s.$ref || s.oneOf || s.anyOf || s.allOf) return typeof v === 'string' && !s.$ref;
  if (v === null) return types.includes('null');
  if (s.enum) return s.enum.includes(v);
  if (typeof v === 'string') return types.includes('string') && (typeof s.pattern !== 'string' || new RegExp(s.pattern).test(v));
  return true;
}

// What makes one example tell one coherent story: a disbursed financing on NMZC-HT-0000042.
const overrides: Record<string, Record<string, unknown>> = {
  Application: { status: 'disbursed', repaid_amount: 0, outstanding_amount: 58_000_000, account_release: null, account_released_at: null, intent_id: null },
  ApplicationSummary: { status: 'disbursed' },
  Consent: { parts: ['contract', 'acceptances', 'payments', 'risk_flags'], expires_at: '2026-10-10T00:00:00Z', revoked_at: null, live: true },
  ConsentInput: { parts: ['contract', 'acceptances', 'payments', 'risk_flags'], expires_at: '2026-10-10T00:00:00Z' },
  Transition: { from: 'account_locked', to: 'disbursed', reason_code: null, reason_text: null },
  SupplierContract: { not_financeable_reasons: [] },
  ProductInput: { rate_min_bp: 365, rate_max_bp: 435, term_min_days: 90, term_max_days: 360, categories: ['goods', 'services'], regions: ['150100', '150200'] },
  Decision: { decision: 'approve', amount: 58_000_000 },
  DisbursementInput: { amount: 58_000_000, disbursed_on: '2026-07-15' },
  RepaymentInput: { amount: 58_000_000, repaid_on: '2026-09-20' },
  SettlementInput: { settled_on: '2026-09-20', note: '采购人支付尾款后一次性结清' },
  Payment: { amount: 25_800_000 },
  Acceptance: { accepted_on: '2026-08-20' },
};

function idFor(owner: string): string {
  if (/Acceptance/.test(owner)) return 'YS-NMZC-HT-0000042-01';
  if (/Payment/.test(owner)) return 'ZF-NMZC-HT-0000042-01';
  if (/Risk/.test(owner)) return 'XY-150000-2026-0017';
  return 'rec-0000042';
}

function resolve(s: Schema): [Schema, string | undefined] {
  let name: string | undefined;
  while (s.$ref) {
    name = refName(s.$ref);
    s = schemas[name]!;
  }
  return [s, name];
}

function example(schema: Schema, key: string, owner: string, depth = 0): unknown {
  const [s, name] = resolve(schema);
  if (depth > 8) return undefined;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (key === 'name' && typeof s.type === 'string' && s.type === 'string') return nameFor(owner);
  if (key in values && fits(s, values[key])) return values[key];
  if (key === 'id' && s.type === 'string' && !s.format && !s.pattern) return idFor(owner);
  if (typeof s.pattern === 'string') {
    const hit = patterned.find(([re]) => re === s.pattern);
    if (hit) return hit[1];
  }
  if (s.enum) return s.enum.find((v) => v !== null);
  const branches = s.oneOf ?? s.anyOf;
  // An optional fact that has not happened yet (revoked, lifted, released…) reads best as null.
  if (nullable(s) && /(_at|_on|_since|_reason|_uri)$/.test(key) && !/^(created|updated|published|expires|valid|due|received|signed|paid|accepted)/.test(key)) return null;
  if (branches) {
    const pick = branches.find((b) => resolve(b)[0].type !== 'null') ?? branches[0]!;
    return example(pick, key, owner, depth + 1);
  }
  if (s.allOf) {
    const merged: Record<string, unknown> = {};
    let scalar: unknown;
    for (const part of s.allOf) {
      const v = example(part, key, owner, depth + 1);
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(merged, v);
      else if (v !== undefined) scalar = v;
    }
    if (scalar !== undefined) return scalar;
    if (s.properties) Object.assign(merged, example({ ...s, allOf: undefined }, key, owner, depth + 1));
    return merged;
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const v = example(p, k, name ?? owner, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    for (const [k, v] of Object.entries((name && overrides[name]) ?? {})) {
      if (v === null && !nullable(resolve(s.properties?.[k] ?? {})[0])) delete out[k];
      else out[k] = v;
    }
    return out;
  }
  if (type === 'array') return s.items ? [example(s.items, key, owner, depth + 1)] : [];
  if (type === 'integer' || type === 'number') {
    if (name === 'Fen' || key in fen) return fen[key] ?? 58_000_000;
    if (key in numbers) return numbers[key];
    if (/_bp$/.test(key)) return key.includes('share') ? 8_500 : 435;
    if (/days/.test(key)) return key.includes('term') ? 180 : 5;
    const min = typeof s.minimum === 'number' ? s.minimum : 0;
    return Math.max(min, 3);
  }
  if (type === 'boolean') return key === 'revoked' ? false : true;
  if (type === 'string') {
    if (s.format === 'date-time') return '2026-07-12T02:30:00Z';
    if (s.format === 'date') return '2026-07-12';
    if (s.format === 'uuid') return '0b9a4f1e-6c2d-4e8a-9f3b-5d7c1a2e8b40';
    if (s.format === 'uri') return 'https://zcd.czt.nmg.gov.cn/problems/' + (key === 'type' ? 'validation_failed' : key);
    if (s.format === 'email') return 'zhengcaidai@nmgbank.example.cn';
    return key;
  }
  return undefined;
}

// Which component schemas are the top-level body of a request, a 2xx response or a webhook.
const used = new Set<string>();
for (const section of [spec.paths, spec.webhooks]) {
  for (const item of Object.values(section)) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const contents = [op.requestBody?.content, ...Object.entries(op.responses).filter(([s]) => s.startsWith('2')).map(([, r]) => r.content)];
      for (const c of contents) for (const m of Object.values(c ?? {})) if (m.schema?.$ref) used.add(refName(m.schema.$ref));
    }
  }
}

let out = text;
const added: string[] = [];
for (const name of used) {
  if (Array.isArray(schemas[name]!.examples)) continue;
  const value = example({ $ref: `#/components/schemas/${name}` }, '', name);
  const block = '      examples:\n' + stringify([value], { lineWidth: 0 }).replace(/^/gm, '        ').replace(/\s+$/, '') + '\n';
  // The schema's block ends at the next line indented four spaces or less.
  const lines = out.split('\n');
  const start = lines.indexOf(`    ${name}:`, lines.indexOf('  schemas:'));
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || /^ {5,}/.test(lines[end]!))) end++;
  while (lines[end - 1] === '') end--;
  lines.splice(end, 0, block.replace(/\n$/, ''));
  out = lines.join('\n');
  added.push(name);
}
if (process.argv.includes('--write')) writeFileSync(file, out);
else process.stdout.write(out);
process.stderr.write(`examples added to ${added.length} schemas: ${added.join(', ')}\n`);
