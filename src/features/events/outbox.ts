import { randomUUID } from 'node:crypto';
import { epochMs, msOfIso, type Clock } from '../../clock.js';
import type { OutboxEvent } from '../sync/ingest.js';
import type { ConsentHolder, EventsStore } from './events-store.js';
import { flaggedSupplier, planDeliveries, type ChangeOutboxEvent, type TargetedOutboxEvent } from './plan-deliveries.js';
import type { ApplicationEventType, MarketplaceEventType, SupervisionEventType } from './published-events.js';

/**
 * The outbox, bound to the transaction of the change its events announce (financing's `EventRecorder`, the
 * sync's `ChangeOutbox`): it records each event and, in the same transaction, the deliveries
 * {@link planDeliveries} decides, so "entitled" means entitled at the moment of the change and a crash can
 * never leave an event without its deliveries.
 */
export class Outbox {
  constructor(
    private readonly store: EventsStore,
    private readonly clock: Clock,
  ) {}

  /** Records a financing event for its application's institution. */
  async record(e: { type: ApplicationEventType; contractNo: string; applicationId: string; institutionId: string; data: Record<string, unknown> }): Promise<void> {
    const at = epochMs(this.clock);
    const id = `evt_${randomUUID()}`;
    const sendable = await this.store.sendable([e.institutionId]);
    const deliveries = planDeliveries(
      [{ kind: 'application', id, type: e.type, occurredAt: at, institutionId: e.institutionId, applicationId: e.applicationId, data: e.data }],
      [],
      sendable,
      new Map(),
      at,
    );
    await this.store.append(
      [{ id, type: e.type, occurredAt: at, contractNo: e.contractNo, payload: { ...e.data, institution_id: e.institutionId }, createdAt: at }],
      deliveries,
    );
  }

  /** Records a marketplace event for each of these institutions (none: recorded, delivered to nobody). */
  async announce(e: { type: MarketplaceEventType; institutionIds: readonly string[]; data: Record<string, unknown> }): Promise<void> {
    const at = epochMs(this.clock);
    const id = `evt_${randomUUID()}`;
    const sendable = e.institutionIds.length ? await this.store.sendable(e.institutionIds) : new Set<string>();
    const deliveries = planDeliveries([{ kind: 'market', id, type: e.type, occurredAt: at, institutionIds: e.institutionIds, data: e.data }], [], sendable, new Map(), at);
    await this.store.append([{ id, type: e.type, occurredAt: at, contractNo: null, payload: { ...e.data, institution_ids: [...e.institutionIds] }, createdAt: at }], deliveries);
  }

  /**
   * Records a supervision event under a stable id (so a second run of the same check adds nothing) and one
   * delivery per target; false when that id was recorded before.
   */
  async recordTargeted(e: { id: string; type: SupervisionEventType; contractNo: string | null; payload: Record<string, unknown>; targets: TargetedOutboxEvent['targets'] }): Promise<boolean> {
    if ((await this.store.recorded([e.id])).size) return false;
    const at = epochMs(this.clock);
    const sendable = e.targets.length ? await this.store.sendable([...new Set(e.targets.map((t) => t.institutionId))]) : new Set<string>();
    const deliveries = planDeliveries([{ kind: 'targeted', id: e.id, type: e.type, occurredAt: at, targets: e.targets }], [], sendable, new Map(), at);
    await this.store.append([{ id: e.id, type: e.type, occurredAt: at, contractNo: e.contractNo, payload: e.payload, createdAt: at }], deliveries);
    return true;
  }

  /** The applications holding consent on these contracts or of these suppliers, whatever their state. */
  consentHolders(q: { contractNos: readonly string[]; supplierUsccs: readonly string[] }): Promise<ConsentHolder[]> {
    return this.store.consentHolders(q);
  }

  /** Which of these change ids are recorded already (applied before). */
  recorded(ids: readonly string[]): Promise<Set<string>> {
    return this.store.recorded(ids);
  }

  /** Records the sync's changes and fans each out to the institutions entitled to it; returns the deliveries planned. */
  async recordChanges(events: readonly OutboxEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const at = epochMs(this.clock);
    const changes: ChangeOutboxEvent[] = events.map((e) => ({ kind: 'change', id: e.id, occurredAt: msOfIso(e.occurredAt), contractNo: e.contractNo, change: e.payload }));
    const contractNos = [...new Set(changes.flatMap((e) => (e.contractNo ? [e.contractNo] : [])))];
    const supplierUsccs = [...new Set(changes.flatMap((e) => flaggedSupplier(e.change) ?? []))];
    const holders = contractNos.length || supplierUsccs.length ? await this.store.consentHolders({ contractNos, supplierUsccs }) : [];
    const paid = [...new Set(changes.flatMap((e) => (e.change.type === 'payment.made' && e.contractNo && holders.some((h) => h.contractNo === e.contractNo) ? [e.contractNo] : [])))];
    const [unpaid, sendable] = holders.length
      ? await Promise.all([this.store.unpaidBalances(paid), this.store.sendable([...new Set(holders.map((h) => h.institutionId))])])
      : [new Map<string, number>(), new Set<string>()];
    const deliveries = planDeliveries(changes, holders, sendable, unpaid, at);
    await this.store.append(
      changes.map((e) => ({ id: e.id, type: e.change.type, occurredAt: e.occurredAt, contractNo: e.contractNo, payload: e.change, createdAt: at })),
      deliveries,
    );
    return deliveries.length;
  }
}
