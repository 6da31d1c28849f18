import { innerMongoliaRegions, type RegionRow } from '../../seeds/regions.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import type {
  Change,
  ContractCategory,
  Contract,
  PaymentMilestone,
  ProcurementMethod,
  RiskFlagKind,
} from '../procurement-cloud.js';

/** The sandbox clock's starting point: every seeded timeline is laid out around it. */
export const SANDBOX_EPOCH_MS = Date.UTC(2026, 6, 1);

const DAY = 86_400_000;

/** Suppliers the sandbox draws from; fixed so that seeding more contracts never renames one. */
export const SANDBOX_SUPPLIERS = 20_000;

/** How the sandbox answers a collection-account change for a contract. */
export type AccountChangeBehaviour = 'confirm' | 'refuse' | 'delay';

/** A seeded contract: its timeline of changes (in causal order) and how it answers account changes. */
export interface GeneratedContract {
  contract: Contract;
  changes: Change[];
  accountBehaviour: AccountChangeBehaviour;
}

/** mulberry32: small, fast and good enough for demo data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const between = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

let regionCache: { all: RegionRow[]; leagues: RegionRow[]; counties: RegionRow[]; byCode: Map<string, RegionRow> } | undefined;
function regions() {
  if (!regionCache) {
    const all = innerMongoliaRegions();
    regionCache = {
      all,
      leagues: all.filter((r) => r.level === 'league'),
      counties: all.filter((r) => r.level === 'county'),
      byCode: new Map(all.map((r) => [r.code, r])),
    };
  }
  return regionCache;
}

const leagueDepartments = ['教育局', '卫生健康委员会', '公安局', '交通运输局', '农牧局', '水利局', '住房和城乡建设局', '自然资源局', '民政局', '生态环境局', '林业和草原局', '机关事务服务中心', '疾病预防控制中心', '第一人民医院', '职业技术学院'];
const countyDepartments = ['教育局', '卫生健康委员会', '人民医院', '第一中学', '农牧和科技局', '交通运输局', '水利局', '应急管理局', '文化旅游体育局', '市场监督管理局', '妇幼保健计划生育服务中心', '民族实验小学', '融媒体中心', '苏木乡镇卫生院'];
const tradeWords = ['草原', '北疆', '蒙源', '鸿达', '瑞丰', '祥泰', '金桥', '恒信', '天骄', '塞北', '绿野', '青城', '鹿城', '敕勒川', '大漠', '长河', '兴安', '银鹰', '华润', '德胜'];
const industries: Record<ContractCategory, string[]> = {
  goods: ['办公设备', '医疗器械', '教学仪器', '电子科技', '农牧机械', '家具制造', '商贸'],
  services: ['信息技术', '物业服务', '工程咨询', '保安服务', '会计师事务所', '环境检测', '软件'],
  works: ['建筑工程', '市政工程', '水利水电工程', '园林绿化工程', '装饰工程', '路桥建设'],
};
const categories: ContractCategory[] = ['goods', 'services', 'works'];
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The name and region of supplier `j`, and its USCC and SME declaration. */
export function sandboxSupplier(j: number): { uscc: string; name: string; sme: boolean; regionCode: string } {
  const r = rng(0x5eed0000 ^ Math.imul(j + 1, 0x9e3779b1));
  const region = r() < 0.3 ? pick(r, regions().leagues) : pick(r, regions().counties);
  const league = region.level === 'league' ? region : regions().byCode.get(region.parent_code!)!;
  const category = categories[j % 3]!;
  let serial = '';
  for (let k = 0, n = j; k < 7; k++, n = Math.floor(n / 31)) serial = USCC_CHARS[n % 31] + serial;
  const uscc = withUsccCheck('91' + region.code + 'MA' + serial);
  const short = league.name.replace(/(市|盟)$/, '');
  const name = `内蒙古${short}${pick(r, tradeWords)}${pick(r, tradeWords)}${pick(r, industries[category])}有限公司`;
  return { uscc, name, sme: r() < 0.88, regionCode: region.code };
}

/** The supplier index a sandbox USCC encodes; undefined for any other USCC. */
export function sandboxSupplierIndex(uscc: string): number | undefined {
  if (!/^91[0-9]{6}MA[0-9A-HJ-NPQRTUWXY]{8}$/.test(uscc)) return undefined;
  let j = 0;
  for (const ch of uscc.slice(10, 17)) j = j * 31 + USCC_CHARS.indexOf(ch);
  return j < SANDBOX_SUPPLIERS && sandboxSupplier(j).uscc === uscc ? j : undefined;
}

/** The contract number of the `i`th seeded contract. */
export function sandboxContractNo(i: number): string {
  return `NMZC-HT-${String(i + 1).padStart(7, '0')}`;
}

/** The index a sandbox contract number encodes; undefined for any other. */
export function sandboxContractIndex(contractNo: string): number | undefined {
  const m = /^NMZC-HT-([0-9]{7})$/.exec(contractNo);
  return m ? Number(m[1]) - 1 : undefined;
}

function method(r: () => number, amountFen: number): ProcurementMethod {
  if (amountFen >= 400_000_000) return r() < 0.85 ? 'public_tender' : 'competitive_consultation';
  return pick(r, [
    'public_tender',
    'competitive_consultation',
    'competitive_consultation',
    'competitive_negotiation',
    'request_for_quotation',
    'single_source',
    'framework_agreement',
    'invited_tender',
  ] as const);
}

function milestones(r: () => number, category: ContractCategory, advance: number): PaymentMilestone[] {
  const rest = 100 - advance;
  if (category === 'works') {
    const progress = Math.min(rest - 3, 50);
    return [
      { name: '进度款', sharePercent: progress },
      { name: '竣工验收合格后', sharePercent: rest - 3 - progress },
      { name: '质保金', sharePercent: 3 },
    ];
  }
  if (category === 'services' && r() < 0.5) {
    return [
      { name: '服务中期考核后', sharePercent: Math.floor(rest / 2) },
      { name: '服务期满验收后', sharePercent: rest - Math.floor(rest / 2) },
    ];
  }
  const warranty = r() < 0.4 ? 5 : 0;
  return [
    { name: '验收合格后', sharePercent: rest - warranty },
    ...(warranty ? [{ name: '质保期满后', sharePercent: warranty }] : []),
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => iso(ms).slice(0, 10);

/** The `i`th sandbox contract and its whole timeline; the same for the same `i`, always. */
export function generateContract(i: number): GeneratedContract {
  const r = rng(Math.imul(i + 1, 0x85ebca6b) ^ 0x2c1b3c6d);
  const contractNo = sandboxContractNo(i);
  const region = r() < 0.3 ? pick(r, regions().leagues) : pick(r, regions().counties);
  const departments = region.level === 'league' ? leagueDepartments : countyDepartments;
  const purchaser = { name: region.name + pick(r, departments), regionCode: region.code };
  const supplierIndex = Math.floor(Math.pow(r(), 3) * SANDBOX_SUPPLIERS);
  const s = sandboxSupplier(supplierIndex);
  const c = r();
  const category: ContractCategory = c < 0.55 ? 'goods' : c < 0.85 ? 'services' : 'works';
  // Log-uniform from 5万 to 2000万 yuan, works skewed up; whole yuan.
  const lo = Math.log(5_000_000);
  const hi = Math.log(2_000_000_000);
  const u = category === 'works' ? Math.sqrt(r()) : r();
  let amountFen = Math.round(Math.exp(lo + u * (hi - lo)) / 100) * 100;
  amountFen = Math.min(2_000_000_000, Math.max(5_000_000, amountFen));
  // 10% are signed after the epoch, so new contracts appear as the clock advances.
  const signedMs = SANDBOX_EPOCH_MS + (r() < 0.1 ? between(r, 0, 90) : -between(r, 1, 540)) * DAY;
  const advance = pick(r, [0, 0, 10, 20, 30]);
  const year = date(signedMs).slice(0, 4);
  const contract: Contract = {
    contractNo,
    projectNo: `NMZC${region.code}-${year}-${String(i + 1).padStart(7, '0')}`,
    purchaser,
    supplier: { uscc: s.uscc, name: s.name, sme: s.sme },
    category,
    amountFen,
    procurementMethod: method(r, amountFen),
    signedOn: date(signedMs),
    paymentTerms: { advanceSharePercent: advance, milestones: milestones(r, category, advance) },
    status: 'active',
  };
  // Payment dates come from a stream of their own, so the rest of every seeded timeline stays as it was.
  const q = rng(Math.imul(i + 1, 0x27d4eb2f) ^ 0x165667b1);
  if (q() < 0.25) contract.paymentTerms.paymentDays = 60;
  for (const m of contract.paymentTerms.milestones) if (m.name.startsWith('质保')) m.retention = true;

  const changes: Change[] = [];
  const at = (ms: number) => iso(ms + between(r, 1, 8) * 3_600_000);
  changes.push({ changeId: `${contractNo}/created`, occurredAt: at(signedMs), type: 'contract.created', contract });

  let current = contract;
  if (r() < 0.06) {
    // 补充协议: the amount moves by up to ±10%, within the published range.
    const factor = 1 + (r() * 0.2 - 0.1);
    const amended = Math.min(2_000_000_000, Math.max(5_000_000, Math.round((amountFen * factor) / 100) * 100));
    current = { ...contract, amountFen: amended };
    changes.push({ changeId: `${contractNo}/amended/1`, occurredAt: at(signedMs + 5 * DAY), type: 'contract.amended', contract: current });
  }

  const payments: { ms: number; share: number }[] = [];
  if (advance > 0) payments.push({ ms: signedMs + between(r, 10, 30) * DAY, share: advance });
  const terminated = r() < 0.03;
  if (terminated) {
    const endMs = signedMs + between(r, 35, 120) * DAY;
    for (const p of payments) pushPayment(changes, current, p.ms, p.share, payments.indexOf(p), false);
    changes.push({
      changeId: `${contractNo}/terminated`,
      occurredAt: at(endMs),
      type: 'contract.terminated',
      contractNo,
      reason: pick(r, ['双方协商一致解除合同', '供应商未按期履约', '采购需求发生重大变化']),
    });
  } else {
    const acceptedMs = signedMs + between(r, category === 'works' ? 120 : 30, category === 'works' ? 360 : 200) * DAY;
    changes.push({
      changeId: `${contractNo}/accepted`,
      occurredAt: at(acceptedMs),
      type: 'acceptance.recorded',
      acceptance: { acceptanceId: `YS-${contractNo.slice(8)}`, contractNo, acceptedAt: at(acceptedMs), result: 'passed' },
    });
    const ms = current.paymentTerms.milestones;
    let t = acceptedMs;
    for (const m of ms) {
      if (m.sharePercent === 0) continue;
      const isWarranty = m.name.startsWith('质保');
      const isProgress = m.name === '进度款' || m.name.startsWith('服务中期');
      // Progress payments fall mid-way, the warranty a year after acceptance, the rest after acceptance in turn.
      if (isProgress) {
        const progressMs = signedMs + (acceptedMs - signedMs) / 2;
        m.dueOn = date(progressMs + 30 * DAY);
        payments.push({ ms: progressMs, share: m.sharePercent });
      }
      else if (isWarranty) payments.push({ ms: acceptedMs + 365 * DAY, share: m.sharePercent });
      else payments.push({ ms: (t += between(r, 10, 60) * DAY), share: m.sharePercent });
    }
    payments.sort((a, b) => a.ms - b.ms);
    payments.forEach((p, k) => pushPayment(changes, current, p.ms, p.share, k, k === payments.length - 1));
    const last = payments.at(-1)!;
    changes.push({ changeId: `${contractNo}/completed`, occurredAt: at(last.ms + DAY), type: 'contract.completed', contractNo });
  }

  if (r() < 0.012) {
    const recordedMs = signedMs + between(r, 30, 400) * DAY;
    const kind: RiskFlagKind = r() < 0.6 ? 'dishonest_judgment_debtor' : 'procurement_serious_violation';
    const flagId = `FX-${contractNo.slice(8)}`;
    changes.push({
      changeId: `${flagId}/added`,
      occurredAt: at(recordedMs),
      type: 'supplier_risk_flag.added',
      flag: {
        flagId,
        uscc: s.uscc,
        kind,
        recordedAt: at(recordedMs),
        description: kind === 'dishonest_judgment_debtor' ? '列入失信被执行人名单' : '列入政府采购严重违法失信行为记录名单',
      },
    });
    if (r() < 0.4) {
      const liftedMs = recordedMs + between(r, 180, 400) * DAY;
      changes.push({ changeId: `${flagId}/lifted`, occurredAt: at(liftedMs), type: 'supplier_risk_flag.lifted', flagId, uscc: s.uscc, liftedAt: at(liftedMs) });
    }
  }
  changes.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));

  const slot = i % 20;
  return { contract, changes, accountBehaviour: slot === 7 ? 'refuse' : slot === 13 ? 'delay' : 'confirm' };

  function pushPayment(out: Change[], on: Contract, ms: number, share: number, k: number, last: boolean) {
    const before = out.filter((x) => x.type === 'payment.made').reduce((sum, x) => sum + (x.type === 'payment.made' ? x.payment.amountFen : 0), 0);
    // The last instalment takes the rounding remainder, so payments add up to the amount exactly.
    const amount = last ? on.amountFen - before : Math.round((on.amountFen * share) / 100);
    if (amount <= 0) return;
    const paidAt = iso(ms + 10 * 3_600_000);
    out.push({
      changeId: `${on.contractNo}/paid/${k + 1}`,
      occurredAt: paidAt,
      type: 'payment.made',
      payment: { paymentId: `ZF-${on.contractNo.slice(8)}-${k + 1}`, contractNo: on.contractNo, amountFen: amount, paidAt },
    });
  }
}

/** The contract as the cloud shows it once every change up to `clockMs` has happened. */
export function contractAt(g: GeneratedContract, clockMs: number): Contract | undefined {
  let contract: Contract | undefined;
  for (const ch of g.changes) {
    if (Date.parse(ch.occurredAt) > clockMs) break;
    if (ch.type === 'contract.created' || ch.type === 'contract.amended') contract = { ...ch.contract, status: contract?.status ?? 'active' };
    else if (ch.type === 'contract.terminated' && contract) contract = { ...contract, status: 'terminated' };
    else if (ch.type === 'contract.completed' && contract) contract = { ...contract, status: 'completed' };
  }
  return contract;
}

const timeFields = new Set(['occurredAt', 'acceptedAt', 'paidAt', 'recordedAt', 'liftedAt']);

/** Moves a whole value's times by `ms` (whole days keep `signedOn` and the times of day consistent). */
function shiftTimes<T>(value: T, ms: number): T {
  if (Array.isArray(value)) return value.map((v: unknown) => shiftTimes(v, ms)) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (typeof v === 'string' && timeFields.has(k)) return [k, iso(Date.parse(v) + ms)];
      if (typeof v === 'string' && k === 'signedOn') return [k, date(Date.parse(v) + ms)];
      return [k, shiftTimes(v, ms)];
    }),
  ) as T;
}

/** The `i`th contract with its timeline moved by `days` whole days (a contract made fresh for a demo). */
export function generateShiftedContract(i: number, days: number): GeneratedContract {
  const g = generateContract(i);
  if (days === 0) return g;
  return { ...g, contract: shiftTimes(g.contract, days * DAY), changes: shiftTimes(g.changes, days * DAY) };
}
