import type { CollectionAccount } from '../../src/features/financing/financing-store.js';
import type {
  Acceptance,
  AccessEntry,
  AccessLog,
  AccessOwner,
  AccessRecord,
  AccountLockRelay,
  ContractSource,
  EventRecorder,
  FinancingContract,
  InstitutionDirectory,
  InstitutionSummary,
  InstitutionView,
  LockStatus,
  Payment,
  ReceivedPayment,
  RiskFlag,
} from '../../src/features/financing/ports.js';

/** Synced contracts in memory. */
export class FakeContractSource implements ContractSource {
  readonly contracts = new Map<string, FinancingContract>();
  readonly acceptanceRows = new Map<string, Acceptance[]>();
  readonly paymentRows = new Map<string, Payment[]>();
  readonly flagRows = new Map<string, RiskFlag[]>();

  async get(contractNo: string) {
    const c = this.contracts.get(contractNo);
    return c && { ...c };
  }

  async listBySupplier(uscc: string, after: string | undefined, limit: number) {
    return [...this.contracts.values()]
      .filter((c) => c.supplierUscc === uscc && (after === undefined || c.contractNo > after))
      .sort((a, b) => a.contractNo.localeCompare(b.contractNo))
      .slice(0, limit);
  }

  async acceptances(contractNo: string) {
    return this.acceptanceRows.get(contractNo) ?? [];
  }

  async payments(contractNo: string) {
    return this.paymentRows.get(contractNo) ?? [];
  }

  /** Payments the gateway received, by when: `receivedRows` per contract. */
  readonly receivedRows = new Map<string, ReceivedPayment[]>();

  async paymentsReceived(contractNo: string, from: number, to: number) {
    return (this.receivedRows.get(contractNo) ?? []).filter((p) => p.receivedAt >= from && p.receivedAt <= to);
  }

  async riskFlags(contractNo: string) {
    return this.flagRows.get(this.contracts.get(contractNo)?.supplierUscc ?? '') ?? [];
  }
}

/** Onboarded institutions in memory. */
export class FakeInstitutionDirectory implements InstitutionDirectory {
  readonly institutions = new Map<string, InstitutionView>();

  add(i: InstitutionView): void {
    this.institutions.set(i.id, i);
  }

  async get(id: string) {
    return this.institutions.get(id);
  }

  async summaries(ids: readonly string[]) {
    const out = new Map<string, InstitutionSummary>();
    for (const id of ids) {
      const i = this.institutions.get(id);
      if (i) out.set(id, { id: i.id, name: i.name, status: i.status });
    }
    return out;
  }
}

/** The access log in memory: every record appended, newest last. */
export class FakeAccessLog implements AccessLog {
  readonly entries: (AccessRecord & { id: number })[] = [];

  async append(record: AccessRecord): Promise<void> {
    this.entries.push({ ...record, id: this.entries.length + 1 });
  }

  /** Never sequenced: every entry is still waiting for its leaf. */
  async list(owner: AccessOwner, q: { beforeId?: number; limit: number }): Promise<AccessEntry[]> {
    return this.entries
      .map((e) => ({ ...e, leafIndex: null, leafHash: null }))
      .filter((e) => ('supplierUscc' in owner ? e.supplierUscc === owner.supplierUscc : owner.regionCodes.includes(e.purchaserRegionCode)))
      .filter((e) => q.beforeId === undefined || e.id < q.beforeId)
      .reverse()
      .slice(0, q.limit);
  }
}

/** Events recorded, in order; a transaction drops those of a call that threw. */
export class FakeEventRecorder implements EventRecorder {
  events: Parameters<EventRecorder['record']>[0][] = [];

  async record(e: Parameters<EventRecorder['record']>[0]): Promise<void> {
    this.events.push(structuredClone(e));
  }

  snapshot(): FakeEventRecorder['events'] {
    return [...this.events];
  }

  restore(events: FakeEventRecorder['events']): void {
    this.events = events;
  }
}

/** The cloud's answers to collection-account locks, as a test sets them. */
export class FakeLockRelay implements AccountLockRelay {
  answer: 'confirmed' | 'pending' | 'refused' | 'unreachable' = 'confirmed';
  readonly requests: { contractNo: string; account: CollectionAccount; financingRef: string }[] = [];
  statusOf = new Map<string, LockStatus>();

  async request(contractNo: string, account: CollectionAccount, financingRef: string): Promise<LockStatus> {
    if (this.answer === 'unreachable') throw new Error('cloud unreachable');
    this.requests.push({ contractNo, account, financingRef });
    const ref = `LOCK-${this.requests.length}`;
    return this.answer === 'refused' ? { ref, status: 'refused', reason: 'account_frozen' } : { ref, status: this.answer };
  }

  async status(ref: string): Promise<LockStatus> {
    return this.statusOf.get(ref) ?? { ref, status: 'pending' };
  }

  /** How each release call ends, in order; `ok` once the list runs out. */
  releaseAnswers: ('ok' | 'fail')[] = [];
  readonly releases: { contractNo: string; lockRef: string; financingRef: string }[] = [];

  async release(contractNo: string, lockRef: string, financingRef: string): Promise<void> {
    this.releases.push({ contractNo, lockRef, financingRef });
    if (this.releaseAnswers.shift() === 'fail') throw new Error('cloud unreachable');
  }
}
