import { epochMs, systemClock, type Clock } from '../../clock.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { InstitutionPrincipal } from '../../http/principal.js';
import type { Attempt, Delivery, DeliveryStatus, EventsStore } from './events-store.js';

/** A delivery with its attempts. */
export interface DeliveryWithAttempts extends Delivery {
  attemptLog: Attempt[];
}

const eventNotFound = () => new NotFoundError('event_not_found', 'No such event.');

/** The pull feed, the delivery log and redelivery, each scoped to the calling institution. */
export class EventsService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: Pick<EventsStore, 'feed' | 'deliveries' | 'attempts' | 'get' | 'endpoints' | 'redeliver'>;
      clock?: Clock;
      /** Called after a redelivery is queued (wakes an in-process dispatcher). */
      onQueued?: () => void;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** The institution's events after the cursor, oldest first. */
  async feed(p: InstitutionPrincipal, afterSeq: number, limit: number): Promise<Page<Delivery> & { nextAfter: number }> {
    const page = await readPage(limit, (n) => this.deps.store.feed(p.institutionId, afterSeq, n));
    return { ...page, nextAfter: page.items.at(-1)?.seq ?? afterSeq };
  }

  /** The institution's deliveries, newest first, with their attempts. */
  async deliveries(
    p: InstitutionPrincipal,
    q: { beforeSeq?: number | undefined; eventId?: string | undefined; status?: DeliveryStatus | undefined; limit: number },
  ): Promise<Page<DeliveryWithAttempts>> {
    const filters = {
      ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}),
      ...(q.eventId !== undefined ? { eventId: q.eventId } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
    };
    const page = await readPage(q.limit, (limit) => this.deps.store.deliveries(p.institutionId, { ...filters, limit }));
    return { items: await this.withAttempts(page.items), more: page.more };
  }

  /** Queues an event again for the institution's endpoint (and enables the endpoint if a 410 disabled it). */
  async redeliver(p: InstitutionPrincipal, eventId: string): Promise<DeliveryWithAttempts> {
    const d = await this.deps.store.get(p.institutionId, eventId);
    if (!d) throw eventNotFound();
    const now = epochMs(this.clock);
    const endpoint = (await this.deps.store.endpoints([p.institutionId], now)).get(p.institutionId);
    if (!endpoint?.url || !endpoint.active) {
      throw new ConflictError('no_webhook_endpoint', 'This institution has no active webhook endpoint; read the event with listEvents.');
    }
    await this.deps.store.redeliver(p.institutionId, eventId, now);
    this.deps.onQueued?.();
    const [out] = await this.withAttempts([{ ...d, status: 'pending', attempts: 0, nextAttemptAt: now }]);
    return out!;
  }

  private async withAttempts(items: Delivery[]): Promise<DeliveryWithAttempts[]> {
    const attempts = await this.deps.store.attempts(items.map((d) => d.id));
    return items.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) }));
  }
}
