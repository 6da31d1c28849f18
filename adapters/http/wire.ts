import { z } from 'zod';
import { isValidUscc } from '../../src/domain/uscc.js';
import type { components } from '../../src/generated/procurement-cloud.js';
import type {
  Change,
  ChangeEntry,
  CollectionAccountChange,
  Contract,
  ContractCategory,
  ContractStatus,
  ProcurementMethod,
  RiskFlagKind,
} from '../procurement-cloud.js';

// The cloud's vendor vocabulary (api-spec/procurement-cloud.yaml) lives only in this file.

type Wire = components['schemas'];

const methodCodes = {
  GKZB: 'public_tender',
  YQZB: 'invited_tender',
  JZXTP: 'competitive_negotiation',
  JZXCS: 'competitive_consultation',
  DYLY: 'single_source',
  XJ: 'request_for_quotation',
  KJXY: 'framework_agreement',
} as const satisfies Record<string, ProcurementMethod>;
const branchCodes = { A: 'goods', B: 'services', C: 'works' } as const satisfies Record<string, ContractCategory>;
const stateCodes = { EXECUTING: 'active', TERMINATED: 'terminated', FINISHED: 'completed' } as const satisfies Record<
  string,
  ContractStatus
>;
const flagCodes = { YZWFSX: 'procurement_serious_violation', SXBZXR: 'dishonest_judgment_debtor' } as const satisfies Record<
  string,
  RiskFlagKind
>;

const invert = <K extends string, V extends string>(m: Record<K, V>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<V, K>;

const keys = <K extends string>(m: Record<K, unknown>) => Object.keys(m) as [K, ...K[]];

const positiveFen = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const time = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());
const code = z.string().min(1).max(64);
const uscc = z.string().refine(isValidUscc, 'not a valid USCC (GB 32100 check character)');

const wireContract = z.object({
  contractCode: code,
  projectCode: code,
  buyer: z.object({ unitName: z.string().min(1).max(200), divisionCode: z.string().regex(/^[1-9][0-9]{5}$/) }),
  supplier: z.object({ creditCode: uscc, name: z.string().min(1).max(200), smeDeclaration: z.boolean() }),
  catalogBranch: z.enum(keys(branchCodes)),
  amountFen: positiveFen,
  purchaseMethod: z.enum(keys(methodCodes)),
  signDate: z.iso.date(),
  payTerms: z
    .object({
      advanceRatio: z.number().int().min(0).max(100),
      stages: z
        .array(
          z.object({
            stageName: z.string().min(1).max(100),
            ratio: z.number().int().min(0).max(100),
            dueDate: z.iso.date().optional(),
            retention: z.boolean().optional(),
          }),
        )
        .max(20),
      payDays: z.number().int().min(1).max(3650).optional(),
    })
    .refine((t) => t.advanceRatio + t.stages.reduce((s, x) => s + x.ratio, 0) === 100, 'payment shares do not add up to 100'),
  state: z.enum(keys(stateCodes)),
}) satisfies z.ZodType<Wire['Contract']>;

/** The vendor's contract record. */
export type WireContract = z.input<typeof wireContract>;

const contractNoOnly = z.object({ contractCode: code });

const recordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('CONTRACT_CREATED'), data: wireContract }),
  z.object({ kind: z.literal('CONTRACT_AMENDED'), data: wireContract }),
  z.object({ kind: z.literal('CONTRACT_TERMINATED'), data: contractNoOnly.extend({ reason: z.string().min(1).max(500) }) }),
  z.object({ kind: z.literal('CONTRACT_COMPLETED'), data: contractNoOnly }),
  z.object({
    kind: z.literal('ACCEPTANCE'),
    data: contractNoOnly.extend({ acceptanceCode: code, acceptTime: time, conclusion: z.enum(['QUALIFIED', 'UNQUALIFIED']) }),
  }),
  z.object({ kind: z.literal('PAYMENT'), data: contractNoOnly.extend({ payCode: code, amountFen: positiveFen, payTime: time }) }),
  z.object({
    kind: z.literal('RISK_FLAG_ADDED'),
    data: z.object({
      flagCode: code,
      creditCode: uscc,
      flagType: z.enum(keys(flagCodes)),
      recordTime: time,
      description: z.string().max(500),
    }),
  }),
  z.object({ kind: z.literal('RISK_FLAG_LIFTED'), data: z.object({ flagCode: code, creditCode: uscc, liftTime: time }) }),
]);

const envelope = z.object({ id: code, eventTime: time });

/** The vendor's change record. */
export type WireRecord = { id: string; eventTime: string } & z.input<typeof recordSchema>;

/** The changes feed page as the cloud sends it; records are checked one by one. */
export const wireChangePage = z.object({
  records: z.array(z.unknown()).max(10_000),
  next_cursor: z.string().regex(/^(0|[1-9][0-9]{0,18})$/),
  has_more: z.boolean(),
  remaining: z.number().int().min(0).optional(),
}) satisfies z.ZodType<Omit<Wire['ChangePage'], 'records'> & { records: unknown[] }>;

/** The account-change status as the cloud sends it. */
export const wireAccountChange = z.object({
  changeRef: code,
  contractCode: code,
  financingRef: code,
  status: z.enum(['PENDING', 'CONFIRMED', 'REFUSED']),
  refuseReason: z.string().max(200).optional(),
}) satisfies z.ZodType<Wire['AccountChange']>;

/** The answer to a collection-account release as the cloud sends it. */
export const wireAccountRelease = z.object({
  changeRef: code,
  contractCode: code,
  status: z.enum(['PENDING', 'RELEASED']),
}) satisfies z.ZodType<Wire['AccountRelease']>;

const toContract = (c: z.output<typeof wireContract>): Contract => ({
  contractNo: c.contractCode,
  projectNo: c.projectCode,
  purchaser: { name: c.buyer.unitName, regionCode: c.buyer.divisionCode },
  supplier: { uscc: c.supplier.creditCode, name: c.supplier.name, sme: c.supplier.smeDeclaration },
  category: branchCodes[c.catalogBranch],
  amountFen: c.amountFen,
  procurementMethod: methodCodes[c.purchaseMethod],
  signedOn: c.signDate,
  paymentTerms: {
    advanceSharePercent: c.payTerms.advanceRatio,
    milestones: c.payTerms.stages.map((s) => ({
      name: s.stageName,
      sharePercent: s.ratio,
      ...(s.dueDate !== undefined ? { dueOn: s.dueDate } : {}),
      ...(s.retention ? { retention: true } : {}),
    })),
    ...(c.payTerms.payDays !== undefined ? { paymentDays: c.payTerms.payDays } : {}),
  },
  status: stateCodes[c.state],
});

/** Reads one vendor contract; throws a ZodError when malformed. */
export function contractFromWire(raw: unknown): Contract {
  return toContract(wireContract.parse(raw));
}

/** Writes a contract in the vendor's shape (sandbox pushes, test fixtures). */
export function contractToWire(c: Contract): WireContract {
  return {
    contractCode: c.contractNo,
    projectCode: c.projectNo,
    buyer: { unitName: c.purchaser.name, divisionCode: c.purchaser.regionCode },
    supplier: { creditCode: c.supplier.uscc, name: c.supplier.name, smeDeclaration: c.supplier.sme },
    catalogBranch: invert(branchCodes)[c.category],
    amountFen: c.amountFen,
    purchaseMethod: invert(methodCodes)[c.procurementMethod],
    signDate: c.signedOn,
    payTerms: {
      advanceRatio: c.paymentTerms.advanceSharePercent,
      stages: c.paymentTerms.milestones.map((m) => ({
        stageName: m.name,
        ratio: m.sharePercent,
        ...(m.dueOn !== undefined ? { dueDate: m.dueOn } : {}),
        ...(m.retention ? { retention: true } : {}),
      })),
      ...(c.paymentTerms.paymentDays !== undefined ? { payDays: c.paymentTerms.paymentDays } : {}),
    },
    state: invert(stateCodes)[c.status],
  };
}

function summarize(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
    .join('; ');
}

/** Reads one vendor change record into the domain; a malformed one becomes a quarantine entry. */
export function changeFromWire(raw: unknown): ChangeEntry {
  const head = envelope.safeParse(raw);
  const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : undefined;
  const division = (raw as { data?: { buyer?: { divisionCode?: unknown } } } | null)?.data?.buyer?.divisionCode;
  const hint = typeof division === 'string' && /^[1-9][0-9]{5}$/.test(division) ? { regionCode: division } : {};
  if (!head.success) return { ok: false, changeId: id, reason: summarize(head.error), raw, ...hint };
  const body = recordSchema.safeParse(raw);
  if (!body.success) return { ok: false, changeId: id, reason: summarize(body.error), raw, ...hint };
  const base = { changeId: head.data.id, occurredAt: head.data.eventTime };
  const r = body.data;
  let change: Change;
  switch (r.kind) {
    case 'CONTRACT_CREATED':
      change = { ...base, type: 'contract.created', contract: toContract(r.data) };
      break;
    case 'CONTRACT_AMENDED':
      change = { ...base, type: 'contract.amended', contract: toContract(r.data) };
      break;
    case 'CONTRACT_TERMINATED':
      change = { ...base, type: 'contract.terminated', contractNo: r.data.contractCode, reason: r.data.reason };
      break;
    case 'CONTRACT_COMPLETED':
      change = { ...base, type: 'contract.completed', contractNo: r.data.contractCode };
      break;
    case 'ACCEPTANCE':
      change = {
        ...base,
        type: 'acceptance.recorded',
        acceptance: {
          acceptanceId: r.data.acceptanceCode,
          contractNo: r.data.contractCode,
          acceptedAt: r.data.acceptTime,
          result: r.data.conclusion === 'QUALIFIED' ? 'passed' : 'failed',
        },
      };
      break;
    case 'PAYMENT':
      change = {
        ...base,
        type: 'payment.made',
        payment: { paymentId: r.data.payCode, contractNo: r.data.contractCode, amountFen: r.data.amountFen, paidAt: r.data.payTime },
      };
      break;
    case 'RISK_FLAG_ADDED':
      change = {
        ...base,
        type: 'supplier_risk_flag.added',
        flag: {
          flagId: r.data.flagCode,
          uscc: r.data.creditCode,
          kind: flagCodes[r.data.flagType],
          recordedAt: r.data.recordTime,
          description: r.data.description,
        },
      };
      break;
    case 'RISK_FLAG_LIFTED':
      change = { ...base, type: 'supplier_risk_flag.lifted', flagId: r.data.flagCode, uscc: r.data.creditCode, liftedAt: r.data.liftTime };
      break;
  }
  return { ok: true, change, raw };
}

/** Writes a domain change as the vendor's record (sandbox pushes, test fixtures). */
export function changeToWire(c: Change): WireRecord {
  const base = { id: c.changeId, eventTime: c.occurredAt };
  switch (c.type) {
    case 'contract.created':
      return { ...base, kind: 'CONTRACT_CREATED', data: contractToWire(c.contract) };
    case 'contract.amended':
      return { ...base, kind: 'CONTRACT_AMENDED', data: contractToWire(c.contract) };
    case 'contract.terminated':
      return { ...base, kind: 'CONTRACT_TERMINATED', data: { contractCode: c.contractNo, reason: c.reason } };
    case 'contract.completed':
      return { ...base, kind: 'CONTRACT_COMPLETED', data: { contractCode: c.contractNo } };
    case 'acceptance.recorded':
      return {
        ...base,
        kind: 'ACCEPTANCE',
        data: {
          contractCode: c.acceptance.contractNo,
          acceptanceCode: c.acceptance.acceptanceId,
          acceptTime: c.acceptance.acceptedAt,
          conclusion: c.acceptance.result === 'passed' ? 'QUALIFIED' : 'UNQUALIFIED',
        },
      };
    case 'payment.made':
      return {
        ...base,
        kind: 'PAYMENT',
        data: { contractCode: c.payment.contractNo, payCode: c.payment.paymentId, amountFen: c.payment.amountFen, payTime: c.payment.paidAt },
      };
    case 'supplier_risk_flag.added':
      return {
        ...base,
        kind: 'RISK_FLAG_ADDED',
        data: {
          flagCode: c.flag.flagId,
          creditCode: c.flag.uscc,
          flagType: invert(flagCodes)[c.flag.kind],
          recordTime: c.flag.recordedAt,
          description: c.flag.description,
        },
      };
    case 'supplier_risk_flag.lifted':
      return { ...base, kind: 'RISK_FLAG_LIFTED', data: { flagCode: c.flagId, creditCode: c.uscc, liftTime: c.liftedAt } };
  }
}

/** Reads the vendor's account-change status into the domain. */
export function accountChangeFromWire(raw: unknown): CollectionAccountChange {
  const r = wireAccountChange.parse(raw);
  return {
    ref: r.changeRef,
    contractNo: r.contractCode,
    financingRef: r.financingRef,
    status: r.status === 'PENDING' ? 'pending' : r.status === 'CONFIRMED' ? 'confirmed' : 'refused',
    ...(r.refuseReason === undefined ? {} : { reason: r.refuseReason }),
  };
}

/** The payload of a pushed notification JWS. */
export const notificationPayload = z.object({
  iss: z.string(),
  iat: z.number().int(),
  records: z.array(z.unknown()).min(1).max(100),
});
