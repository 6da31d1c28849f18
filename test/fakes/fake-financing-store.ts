import type { ApplicationStatus } from '../../src/features/financing/lifecycle.js';
import type {
  Application,
  ApplicationAccess,
  ApplicationChanges,
  ApplicationQuery,
  CreditLine,
  CreditLineQuery,
  DeadlineBreach,
  DeadlineBreachQuery,
  DeadlineBreachRow,
  Disbursement,
  FinancingStore,
  Product,
  ProductQuery,
  Repayment,
  Transition,
} from '../../src/features/financing/financing-store.js';
import type { ContractSource } from '../../src/features/financing/ports.js';

const copy = <T>(v: T): T => structuredClone(v);

/** Everything the fake holds; a transaction snapshots it and puts it back on a throw. */
export interface FinancingState {
  products: Map<string, Product>;
  applications: Map<string, Application>;
  transitions: Map<string, Transition[]>;
  /** contract number → application id. */
  reservations: Map<string, string>;
  disbursements: Disbursement[];
  repayments: Repayment[];
  creditLines: Map<string, CreditLine>;
}

/** Products and applications in memory, with the knex store's rules: compare-and-set moves, one reservation per contract. */
export class FakeFinancingStore implements FinancingStore {
  /** `contracts`: where the joined contract read finds contracts (the service's own contract source, in a test). */
  constructor(private readonly contracts?: Pick<ContractSource, 'get'>) {}

  state: FinancingState = {
    products: new Map(),
    applications: new Map(),
    transitions: new Map(),
    reservations: new Map(),
    disbursements: [],
    repayments: [],
    creditLines: new Map(),
  };

  snapshot(): FinancingState {
    return copy(this.state);
  }

  restore(s: FinancingState): void {
    this.state = s;
  }

  async insertProduct(p: Product): Promise<void> {
    if (this.state.products.has(p.id)) throw new Error(`duplicate product ${p.id}`);
    this.state.products.set(p.id, copy(p));
  }

  async saveProduct(p: Product): Promise<void> {
    this.state.products.set(p.id, copy(p));
  }

  async getProduct(id: string): Promise<Product | undefined> {
    const p = this.state.products.get(id);
    return p && copy(p);
  }

  async listProducts(q: ProductQuery): Promise<Product[]> {
    return [...this.state.products.values()]
      .filter((p) => q.institutionId === undefined || p.institutionId === q.institutionId)
      .filter((p) => q.status === undefined || p.status === q.status)
      .filter((p) => q.afterId === undefined || p.id > q.afterId)
      .filter((p) => q.regionCodes === undefined || p.regions.some((r) => q.regionCodes!.includes(r)))
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, q.limit)
      .map(copy);
  }

  async insertApplication(a: Application, first: Transition): Promise<void> {
    if (this.state.applications.has(a.id)) throw new Error(`duplicate application ${a.id}`);
    this.state.applications.set(a.id, copy(a));
    this.state.transitions.set(a.id, [copy(first)]);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const a = this.state.applications.get(id);
    return a && copy(a);
  }

  async getApplicationAccess(id: string): Promise<ApplicationAccess | undefined> {
    return this.getApplication(id);
  }

  async getApplicationAccessWithContract(id: string) {
    const access = await this.getApplication(id);
    return access && { access, contract: await this.contracts?.get(access.contractNo) };
  }

  async listApplications(q: ApplicationQuery): Promise<Application[]> {
    return [...this.state.applications.values()]
      .filter((a) => q.institutionId === undefined || a.institutionId === q.institutionId)
      .filter((a) => q.supplierUscc === undefined || a.supplierUscc === q.supplierUscc)
      .filter((a) => q.regionCodes === undefined || q.regionCodes.includes(a.purchaserRegionCode))
      .filter((a) => q.status === undefined || a.status === q.status)
      .filter((a) => (q.createdFrom === undefined || a.createdAt >= q.createdFrom) && (q.createdBefore === undefined || a.createdAt < q.createdBefore))
      .filter((a) => (q.amountMin === undefined || a.requestedAmountFen >= q.amountMin) && (q.amountMax === undefined || a.requestedAmountFen <= q.amountMax))
      .filter((a) => !q.before || a.createdAt < q.before.createdAt || (a.createdAt === q.before.createdAt && a.id < q.before.id))
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .slice(0, q.limit)
      .map(copy);
  }

  async hasOpenApplication(supplierUscc: string, contractNo: string, productId: string): Promise<boolean> {
    return [...this.state.applications.values()].some(
      (a) => a.supplierUscc === supplierUscc && a.contractNo === contractNo && a.productId === productId && ['submitted', 'under_review'].includes(a.status),
    );
  }

  async contractHolds(contractNo: string, supplierUscc: string, productId: string) {
    return { reserved: this.state.reservations.has(contractNo), openApplication: await this.hasOpenApplication(supplierUscc, contractNo, productId) };
  }

  async reservedContracts(contractNos: readonly string[]): Promise<Set<string>> {
    return new Set(contractNos.filter((no) => this.state.reservations.has(no)));
  }

  async transition(id: string, from: readonly ApplicationStatus[], to: ApplicationStatus, changes: ApplicationChanges, t: Transition) {
    const a = this.state.applications.get(id);
    if (!a || !from.includes(a.status)) return undefined;
    const moved: Application = { ...a, ...copy(changes), status: to, updatedAt: t.at };
    this.state.applications.set(id, moved);
    this.state.transitions.get(id)!.push(copy(t));
    return copy(moved);
  }

  async update(id: string, changes: ApplicationChanges, at: number) {
    const a = this.state.applications.get(id);
    if (!a) return undefined;
    const updated: Application = { ...a, ...copy(changes), updatedAt: at };
    this.state.applications.set(id, updated);
    return copy(updated);
  }

  async transitions(applicationId: string): Promise<Transition[]> {
    return copy(this.state.transitions.get(applicationId) ?? []);
  }

  async reserve(contractNo: string, applicationId: string): Promise<boolean> {
    if (this.state.reservations.has(contractNo)) return false;
    this.state.reservations.set(contractNo, applicationId);
    return true;
  }

  async release(applicationId: string): Promise<void> {
    for (const [no, id] of this.state.reservations) if (id === applicationId) this.state.reservations.delete(no);
  }

  async insertDisbursement(d: Disbursement): Promise<void> {
    this.state.disbursements.push(copy(d));
  }

  async insertRepayment(r: Repayment): Promise<void> {
    this.state.repayments.push(copy(r));
  }

  async moneyMovements(applicationId: string): Promise<{ disbursements: Disbursement[]; repayments: Repayment[] }> {
    return {
      disbursements: this.state.disbursements.filter((d) => d.applicationId === applicationId).map(copy),
      repayments: this.state.repayments.filter((r) => r.applicationId === applicationId).map(copy),
    };
  }

  async pendingLocks(limit: number): Promise<Application[]> {
    return [...this.state.applications.values()]
      .filter((a) => a.status === 'account_lock_pending')
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .slice(0, limit)
      .map(copy);
  }

  async insertCreditLine(l: CreditLine): Promise<void> {
    this.state.creditLines.set(l.id, copy(l));
  }

  async getCreditLine(id: string): Promise<CreditLine | undefined> {
    const l = this.state.creditLines.get(id);
    return l && copy(l);
  }

  async listCreditLines(q: CreditLineQuery): Promise<CreditLine[]> {
    return [...this.state.creditLines.values()]
      .filter((l) => (q.institutionId === undefined || l.institutionId === q.institutionId) && (q.supplierUscc === undefined || l.supplierUscc === q.supplierUscc))
      .filter((l) => q.liveAt === undefined || (l.status === 'active' && l.validUntil > q.liveAt))
      .filter((l) => !q.before || l.createdAt < q.before.createdAt || (l.createdAt === q.before.createdAt && l.id < q.before.id))
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .slice(0, q.limit)
      .map(copy);
  }

  async revokeCreditLine(id: string, at: number): Promise<CreditLine | undefined> {
    const l = this.state.creditLines.get(id);
    if (!l || l.status !== 'active') return undefined;
    Object.assign(l, { status: 'revoked', revokedAt: at });
    return copy(l);
  }

  async drawCredit(id: string, amountFen: number, at: number): Promise<boolean> {
    const l = this.state.creditLines.get(id);
    if (!l || l.status !== 'active' || l.validUntil <= at || l.usedFen + amountFen > l.amountFen) return false;
    l.usedFen += amountFen;
    return true;
  }

  async restoreCredit(id: string, amountFen: number): Promise<void> {
    const l = this.state.creditLines.get(id);
    if (l) l.usedFen = Math.max(0, l.usedFen - amountFen);
  }

  readonly breaches: DeadlineBreach[] = [];

  async listByStatus(statuses: readonly ApplicationStatus[], limit: number): Promise<Application[]> {
    return [...this.state.applications.values()].filter((a) => statuses.includes(a.status)).sort((a, b) => a.createdAt - b.createdAt).slice(0, limit).map(copy);
  }

  async recordBreach(b: DeadlineBreach): Promise<boolean> {
    if (this.breaches.some((x) => x.applicationId === b.applicationId && x.deadline === b.deadline)) return false;
    this.breaches.push(copy(b));
    return true;
  }

  async listBreaches(q: DeadlineBreachQuery): Promise<DeadlineBreachRow[]> {
    const key = (b: { recordedAt: number; applicationId: string; deadline: string }) => [b.recordedAt, b.applicationId, b.deadline] as const;
    const older = (a: readonly [number, string, string], b: readonly [number, string, string]) =>
      a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
    return this.breaches
      .filter((b) => q.regionCodes.includes(b.regionCode) && (q.deadline === undefined || b.deadline === q.deadline))
      .filter((b) => !q.before || older(key(b), [q.before.at, q.before.id, q.before.deadline]))
      .sort((a, b) => (older(key(a), key(b)) ? 1 : -1))
      .slice(0, q.limit)
      .map((b) => ({ ...copy(b), contractNo: this.state.applications.get(b.applicationId)?.contractNo ?? '' }));
  }

  async openOnContract(contractNo: string, exceptId: string): Promise<Application[]> {
    return [...this.state.applications.values()]
      .filter((a) => a.contractNo === contractNo && a.id !== exceptId && ['submitted', 'under_review'].includes(a.status))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(copy);
  }

  async pendingReleases(limit: number): Promise<Application[]> {
    return [...this.state.applications.values()]
      .filter((a) => a.accountRelease === 'account_release_pending')
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .slice(0, limit)
      .map(copy);
  }
}
