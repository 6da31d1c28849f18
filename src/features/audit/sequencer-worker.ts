/**
 * The audit sequencer's thread (see `sequencer-thread.ts`): its own database handle, the gateway's keys for signing
 * heads, and the same `AuditTree.sequence` the gateway would run, every `intervalMs`, until told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '../../db/knex.js';
import { createLogger } from '../../logger.js';
import { PeriodicTask } from '../background/periodic-task.js';
import { GatewayKeys } from '../auth/gateway-keys.js';
import { KnexGatewayKeyStore } from '../auth/gateway-keys-knex-store.js';
import { KnexAuditStore } from './audit-knex-store.js';
import { AuditTree, TREE_HEAD_TYP } from './audit-tree.js';
import type { SequencerThreadOptions } from './sequencer-thread.js';

const options = workerData as SequencerThreadOptions;
const db = createDb(options.database);
const keys = new GatewayKeys(new KnexGatewayKeyStore(db));
const tree = new AuditTree({ store: new KnexAuditStore(db), issuer: options.issuer, sign: (claims) => keys.sign(claims, TREE_HEAD_TYP) });
const task = new PeriodicTask({
  name: 'audit sequencer',
  intervalMs: options.intervalMs,
  logger: createLogger(options.logLevel).child({ module: 'audit' }),
  work: () => tree.sequence(),
});
task.start();

parentPort!.once('message', () => {
  // Stop: the batch in flight commits (or rolls back) first, then the handle closes and the thread ends.
  void task
    .stop()
    .then(() => db.destroy())
    .finally(() => parentPort!.close());
});
