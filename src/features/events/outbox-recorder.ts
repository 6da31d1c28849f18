import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EventRecorder } from '../financing/ports.js';
import { EventFanOut } from './event-fan-out.js';

/** Writes financing events to the outbox table and fans them out to the institution, inside the caller's transaction. */
export class OutboxEventRecorder implements EventRecorder {
  private readonly fanOut: EventFanOut;

  constructor(private readonly now: () => number = Date.now, fanOut?: EventFanOut) {
    this.fanOut = fanOut ?? new EventFanOut(now);
  }

  async record(
    trx: unknown,
    e: { type: string; contractNo: string; applicationId: string; institutionId: string; payload: Record<string, unknown> },
  ): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const id = `evt_${randomUUID()}`;
    await (trx as Knex)('events').insert({
      id,
      type: e.type,
      occurred_at: at,
      contract_no: e.contractNo,
      payload: JSON.stringify({ ...e.payload, institution_id: e.institutionId }),
      created_at: at,
    });
    await this.fanOut.applicationEvent(trx as Knex, {
      id,
      type: e.type,
      occurredAt: at,
      institutionId: e.institutionId,
      applicationId: e.applicationId,
      data: e.payload,
    });
  }
}
