import { ConflictError, NotFoundError } from '../../errors.js';
import type { InstitutionPrincipal } from '../../http/principal.js';
import type { Attempt, Delivery, DeliveryStatus, KnexEventsStore } from './events-knex-store.js';

/** A delivery with its attempts. */
export interface DeliveryWithAttempts extends Delivery {
  attemptLog: Attempt[];
}

const eventNotFound = () => new NotFoundError('event_not_found', 'No such event.');

/** The pull feed, the delivery log and redelivery, each scoped to the calling institution. */
export class EventsService {
  constructor(
    private readonly deps: {
      store: KnexEventsStore;
      now?: () => number;
      /** Called after a redelivery is queued (wakes an in-process dispatcher). */
      onQueued?: () => void;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The institution's events after the cursor, oldest first. */
  async feed(p: InstitutionPrincipal, afterSeq: number, limit: number): Promise<{ items: Delivery[]; nextAfter: number; more: boolean }> {
    const rows = await this.deps.store.feed(p.institutionId, afterSeq, limit + 1);
    const items = rows.slice(0, limit);
    return { items, nextAfter: items.at(-1)?.seq ?? afterSeq, more: rows.length > limit };
  }

  /** The institution's deliveries, newest first, with their attempts. */
  async deliveries(
    p: InstitutionPrincipal,
    q: { beforeSeq?: number; eventId?: string; status?: DeliveryStatus; limit: number },
  ): Promise<{ items: DeliveryWithAttempts[]; more: boolean }> {
    const rows = await this.deps.store.deliveries(p.institutionId, { ...q, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    return { items: await this.withAttempts(items), more: rows.length > q.limit };
  }

  /** Queues an event again for the institution's endpoint (and enables the endpoint if a 410 disabled it). */
  async redeliver(p: InstitutionPrincipal, eventId: string): Promise<DeliveryWithAttempts> {
    const d = await this.deps.store.get(p.institutionId, eventId);
    if (!d) throw eventNotFound();
    const endpoint = await this.deps.store.endpoint(p.institutionId, this.now());
    if (!endpoint?.url || !endpoint.active) {
      throw new ConflictError('no_webhook_endpoint', 'This institution has no active webhook endpoint; read the event with listEvents.');
    }
    await this.deps.store.redeliver(p.institutionId, eventId, this.now());
    this.deps.onQueued?.();
    const [out] = await this.withAttempts([(await this.deps.store.get(p.institutionId, eventId))!]);
    return out!;
  }

  private async withAttempts(items: Delivery[]): Promise<DeliveryWithAttempts[]> {
    const attempts = await this.deps.store.attempts(items.map((d) => d.id));
    return items.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) }));
  }
}
