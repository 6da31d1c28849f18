import { createHash } from 'node:crypto';
import type { Change, ChangeEntry, Contract } from '../../../adapters/procurement-cloud.js';

/** A contract as the gateway keeps it, with its version and the change that made it so. */
export interface StoredContract extends Contract {
  version: number;
  lastChangeId: string;
  /** When the last change happened at the cloud (ISO 8601). */
  updatedAt: string;
}

/** One entry of a contract's history: what changed, when, by which change. */
export interface ContractAmendment {
  changeId: string;
  contractNo: string;
  version: number;
  occurredAt: string;
  kind: Change['type'];
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** A domain event for the outbox; its id is the change id, so receivers can deduplicate. */
export interface OutboxEvent {
  id: string;
  type: Change['type'];
  occurredAt: string;
  contractNo: string | null;
  payload: Change;
}

/** A record the gateway could not apply, kept with the reason and the raw payload. */
export interface QuarantineEntry {
  id: string;
  source: string;
  changeId: string | null;
  reason: string;
  rawPayload: string;
  /** The purchaser region, when the record says; decides which bureaus see it. */
  regionCode: string | null;
}

/** What the store already holds for the changes of a batch. */
export interface IngestContext {
  contracts: Map<string, StoredContract>;
  appliedChangeIds: Set<string>;
  flagIds: Set<string>;
}

/** Everything one batch writes, in one transaction. */
export interface IngestPlan {
  contracts: StoredContract[];
  amendments: ContractAmendment[];
  acceptances: Extract<Change, { type: 'acceptance.recorded' }>['acceptance'][];
  payments: Extract<Change, { type: 'payment.made' }>['payment'][];
  flags: Extract<Change, { type: 'supplier_risk_flag.added' }>['flag'][];
  flagLifts: { flagId: string; liftedAt: string }[];
  events: OutboxEvent[];
  quarantine: QuarantineEntry[];
  applied: number;
  skipped: number;
}

/** The contract numbers a batch touches. */
export function contractNosOf(entries: readonly ChangeEntry[]): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    if (!e.ok) continue;
    const no = contractNoOf(e.change);
    if (no) out.add(no);
  }
  return [...out];
}

/** The contract a change is about, if any. */
export function contractNoOf(c: Change): string | null {
  switch (c.type) {
    case 'contract.created':
    case 'contract.amended':
      return c.contract.contractNo;
    case 'contract.terminated':
    case 'contract.completed':
      return c.contractNo;
    case 'acceptance.recorded':
      return c.acceptance.contractNo;
    case 'payment.made':
      return c.payment.contractNo;
    default:
      return null;
  }
}

/** A stable quarantine id: the same bad record from the same source is kept once. */
export function quarantineId(source: string, raw: string): string {
  return createHash('sha256').update(source).update('\n').update(raw).digest('hex').slice(0, 40);
}

function rawText(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

const contractFields = [
  'projectNo',
  'purchaser',
  'supplier',
  'category',
  'amountFen',
  'procurementMethod',
  'signedOn',
  'paymentTerms',
  'status',
] as const;

function diff(a: Contract, b: Contract): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of contractFields) {
    if (JSON.stringify(a[f]) !== JSON.stringify(b[f])) out[f] = { from: a[f], to: b[f] };
  }
  return out;
}

/**
 * Folds a batch of feed entries into the rows to write. Pure: the same batch on the same
 * context always gives the same plan, which is what makes re-running a page harmless.
 */
export function planIngest(entries: readonly ChangeEntry[], ctx: IngestContext, source: string): IngestPlan {
  const plan: IngestPlan = {
    contracts: [],
    amendments: [],
    acceptances: [],
    payments: [],
    flags: [],
    flagLifts: [],
    events: [],
    quarantine: [],
    applied: 0,
    skipped: 0,
  };
  const contracts = new Map(ctx.contracts);
  const dirty = new Set<string>();
  const seen = new Set(ctx.appliedChangeIds);
  const flags = new Set(ctx.flagIds);
  const quarantined = new Set<string>();
  const quarantine = (changeId: string | null, reason: string, raw: unknown, regionCode: string | null) => {
    const text = rawText(raw);
    const id = quarantineId(source, text);
    if (quarantined.has(id)) return;
    quarantined.add(id);
    plan.quarantine.push({ id, source, changeId, reason, rawPayload: text, regionCode });
  };

  for (const entry of entries) {
    if (!entry.ok) {
      quarantine(entry.changeId ?? null, entry.reason, entry.raw, entry.regionCode ?? null);
      continue;
    }
    const c = entry.change;
    if (seen.has(c.changeId)) {
      plan.skipped++;
      continue;
    }
    const no = contractNoOf(c);
    const prev = no ? contracts.get(no) : undefined;
    const amend = (next: Contract) => {
      const version = (prev?.version ?? 0) + 1;
      if (prev) {
        plan.amendments.push({ changeId: c.changeId, contractNo: next.contractNo, version, occurredAt: c.occurredAt, kind: c.type, changes: diff(prev, next) });
      }
      contracts.set(next.contractNo, { ...next, version, lastChangeId: c.changeId, updatedAt: c.occurredAt });
      dirty.add(next.contractNo);
    };
    switch (c.type) {
      case 'contract.created':
      case 'contract.amended':
        // A created change for a known contract is a re-delivery under a new id: treat it as an amendment.
        amend(prev ? { ...c.contract, status: c.type === 'contract.created' ? prev.status : c.contract.status } : c.contract);
        break;
      case 'contract.terminated':
      case 'contract.completed':
        if (!prev) {
          quarantine(c.changeId, `unknown_contract: ${c.contractNo} is not known to the gateway`, entry.raw ?? c, null);
          continue;
        }
        amend({ ...prev, status: c.type === 'contract.terminated' ? 'terminated' : 'completed' });
        break;
      case 'acceptance.recorded':
      case 'payment.made':
        if (!prev) {
          quarantine(c.changeId, `unknown_contract: ${no} is not known to the gateway`, entry.raw ?? c, null);
          continue;
        }
        if (c.type === 'acceptance.recorded') plan.acceptances.push(c.acceptance);
        else plan.payments.push(c.payment);
        break;
      case 'supplier_risk_flag.added':
        plan.flags.push(c.flag);
        flags.add(c.flag.flagId);
        break;
      case 'supplier_risk_flag.lifted':
        if (!flags.has(c.flagId)) {
          quarantine(c.changeId, `unknown_flag: ${c.flagId} is not known to the gateway`, entry.raw ?? c, null);
          continue;
        }
        plan.flagLifts.push({ flagId: c.flagId, liftedAt: c.liftedAt });
        break;
    }
    seen.add(c.changeId);
    plan.events.push({ id: c.changeId, type: c.type, occurredAt: c.occurredAt, contractNo: no, payload: c });
    plan.applied++;
  }
  plan.contracts = [...dirty].map((no) => contracts.get(no)!);
  return plan;
}
