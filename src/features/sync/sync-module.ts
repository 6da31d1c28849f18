import type { ProcurementCloud } from '../../../adapters/procurement-cloud.js';
import { systemClock, type Clock } from '../../clock.js';
import type { Knex } from '../../db/knex.js';
import { knexTransactional } from '../../db/transaction.js';
import { KnexEventsStore } from '../events/events-knex-store.js';
import { Outbox } from '../events/outbox.js';
import { KnexSyncStore } from './sync-knex-store.js';
import { SyncService, type IngestResult } from './sync-service.js';
import type { SyncUnit } from './sync-store.js';

/** A page's stores on a database: the sync's own and the outbox, both bound to the page's transaction. */
export function knexSyncUnit(db: Knex, clock: Clock = systemClock): { store: KnexSyncStore; transactional: ReturnType<typeof knexTransactional<SyncUnit>> } {
  return {
    store: new KnexSyncStore(db),
    transactional: knexTransactional(db, (trx): SyncUnit => ({ store: new KnexSyncStore(trx), outbox: new Outbox(new KnexEventsStore(trx), clock) })),
  };
}

/** The sync on a database (the gateway, `zcd sync`, `zcd demo`, tests). */
export function createSyncService(
  db: Knex,
  o: { cloud: ProcurementCloud; pageSize: number; clock?: Clock | undefined; onIngest?: (source: string, result: IngestResult) => void },
): SyncService {
  const clock = o.clock ?? systemClock;
  return new SyncService({ ...knexSyncUnit(db, clock), cloud: o.cloud, pageSize: o.pageSize, clock, ...(o.onIngest ? { onIngest: o.onIngest } : {}) });
}
