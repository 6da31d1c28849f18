import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EventRecorder } from '../financing/ports.js';

/** Writes financing events to the outbox table, inside the caller's transaction. */
export class OutboxEventRecorder implements EventRecorder {
  constructor(private readonly now: () => number = Date.now) {}

  async record(
    trx: unknown,
    e: { type: string; contractNo: string; applicationId: string; institutionId: string; payload: Record<string, unknown> },
  ): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await (trx as Knex)('events').insert({
      id: `evt_${randomUUID()}`,
      type: e.type,
      occurred_at: at,
      contract_no: e.contractNo,
      payload: JSON.stringify({ ...e.payload, institution_id: e.institutionId }),
      created_at: at,
    });
  }
}
