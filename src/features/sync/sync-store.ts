import type { ChangeEntry } from '../../../adapters/procurement-cloud.js';
import type { IngestContext, IngestPlan, OutboxEvent, StoredContract } from './ingest.js';

/** A quarantined record as the store returns it. */
export interface QuarantinedRecord {
  id: string;
  source: string;
  changeId: string | null;
  reason: string;
  rawPayload: string;
  regionCode: string | null;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/** Persistence of the synced contracts, their history, acceptances, payments, risk flags, cursors and quarantine. */
export interface SyncStore {
  /** What the database holds for a batch: the contracts it touches and which of the flags it lifts are known. */
  context(entries: readonly ChangeEntry[], flagIds: readonly string[]): Promise<Omit<IngestContext, 'appliedChangeIds'>>;
  /** Writes a plan's rows (all but its events, which go to the outbox). */
  write(plan: IngestPlan, receivedAt: number): Promise<void>;
  /** The feed cursor of a source; `lock` keeps it locked to this transaction (PostgreSQL). */
  cursor(source: string, lock?: boolean): Promise<string | undefined>;
  /** Moves the feed cursor of a source. */
  setCursor(source: string, cursor: string, at: number): Promise<void>;
  /** The contract as synced; undefined when the gateway does not know it. */
  getContract(contractNo: string): Promise<StoredContract | undefined>;
  /** Amount minus every payment received, in fen; undefined for an unknown contract. */
  unpaidBalance(contractNo: string): Promise<number | undefined>;
  /** Quarantined records, newest first, after a (receivedAt, id) cursor. */
  listQuarantined(q: {
    limit: number;
    before?: { receivedAt: number; id: string } | undefined;
    /** Only records whose region code starts with this prefix. */
    regionPrefix: string;
    /** Also records whose region is unknown. */
    includeUnknownRegion: boolean;
  }): Promise<QuarantinedRecord[]>;
}

/** Where the sync's events go: the outbox, bound to the transaction that writes the page. */
export interface ChangeOutbox {
  /** Which of these change ids the outbox holds already (applied before). */
  recorded(ids: readonly string[]): Promise<Set<string>>;
  /** Records the batch's events and fans each out to the institutions entitled to it now. */
  recordChanges(events: readonly OutboxEvent[]): Promise<number>;
}

/** What one page writes, bound to one transaction. */
export interface SyncUnit {
  store: SyncStore;
  outbox: ChangeOutbox;
}
