import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import { OutsideRegionError } from '../institutions/institutions-service.js';
import type { RegionService } from '../regions/regions-service.js';
import type { StaffMember, StaffRole, StaffStore } from './staff-store.js';

/** Who administers staff: a bureau (by token, or an admin of its staff by session); undefined is the operator at the command line. */
export interface StaffActor {
  /** The bureau's client id. */
  clientId: string;
  regionCode: string;
  /** Set when a member of the bureau's staff acts in a browser session. */
  staffId?: string | undefined;
}

/** What is submitted to register a member of staff. */
export interface StaffInput {
  /** The region of the bureau the person acts for. */
  regionCode: string;
  subject: string;
  name: string;
  role: StaffRole;
  /** The identity provider; the configured staff provider when not given. */
  issuer?: string | undefined;
}

const newStaffId = () => `stf_${randomBytes(12).toString('hex')}`;

/** The staff registry: who may act for which bureau, in which role; administered within a bureau's subtree. */
export class StaffService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      store: StaffStore;
      regions: RegionService;
      /** The issuer of the staff identity provider, used when a registration names none. */
      defaultIssuer: string | undefined;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Registers a person for the bureau of `input.regionCode`, which must lie in the actor's subtree. */
  async create(actor: StaffActor | undefined, input: StaffInput): Promise<StaffMember> {
    const issuer = input.issuer ?? this.deps.defaultIssuer;
    if (issuer === undefined) {
      throw new ValidationError([{ in: 'body', pointer: '/issuer', detail: 'no staff identity provider is configured (STAFF_OIDC_ISSUER); name the issuer' }]);
    }
    if (actor && !(await this.deps.regions.isWithin(input.regionCode, actor.regionCode))) {
      throw new OutsideRegionError('A bureau registers staff only for itself and the bureaus below it.');
    }
    const bureau = await this.deps.store.bureauOfRegion(input.regionCode);
    if (!bureau) throw new ValidationError([{ in: 'body', pointer: '/region_code', detail: `no bureau is registered for region ${input.regionCode}` }]);
    const id = newStaffId();
    const now = this.clock();
    return this.deps.store.transaction(async (store) => {
      if (await store.byIdentity(issuer, input.subject)) {
        throw new ConflictError('staff_exists', 'This identity is already registered as staff.');
      }
      await store.create({
        id,
        issuer,
        subject: input.subject,
        name: input.name,
        role: input.role,
        bureauId: bureau.clientId,
        createdBy: actorId(actor),
        createdAt: now.getTime(),
      });
      const created = (await store.get(id))!;
      await store.audit({ at: now.getTime(), actor: actorId(actor), action: 'createStaff', target: id, before: null, after: created });
      return created;
    });
  }

  /** One page of the staff of the bureaus in the actor's subtree (every bureau for the operator), by id. */
  async list(actor: StaffActor | undefined, q: { afterId?: string | undefined; limit: number }): Promise<Page<StaffMember>> {
    const regions = actor ? await this.deps.regions.subtreeCodes(actor.regionCode) : undefined;
    return readPage(q.limit, (limit) => this.deps.store.list({ ...(regions ? { regions } : {}), ...(q.afterId ? { afterId: q.afterId } : {}), limit }));
  }

  /** Gives a member of the actor's subtree another role; nobody changes their own. Audited with the member before and after. */
  async changeRole(actor: StaffActor | undefined, id: string, role: StaffRole): Promise<StaffMember> {
    const now = this.clock();
    const within = actor ? await this.deps.regions.subtree(actor.regionCode) : undefined;
    return this.deps.store.transaction(async (store) => {
      const found = await store.get(id);
      if (!found || (within && !within.has(found.bureau.regionCode))) {
        throw new NotFoundError('staff_not_found', 'No member of staff with this id in your region.');
      }
      if (actor?.staffId === id) throw new ConflictError('cannot_change_own_role', 'You cannot change your own role; ask another admin.');
      if (found.role === role) return found;
      await store.setRole(id, role);
      const changed = (await store.get(id))!;
      await store.audit({ at: now.getTime(), actor: actorId(actor), action: 'updateStaff', target: id, before: found, after: changed });
      return changed;
    });
  }

  /** Removes a member and ends their sessions; a member outside the actor's subtree does not exist for it. */
  async remove(actor: StaffActor | undefined, id: string): Promise<void> {
    const now = this.clock();
    // Read before the transaction: on SQLite the transaction holds the only connection.
    const within = actor ? await this.deps.regions.subtree(actor.regionCode) : undefined;
    await this.deps.store.transaction(async (store) => {
      const found = await store.get(id);
      if (!found || (within && !within.has(found.bureau.regionCode))) {
        throw new NotFoundError('staff_not_found', 'No member of staff with this id in your region.');
      }
      if (actor?.staffId === id) throw new ConflictError('cannot_remove_self', 'You cannot remove yourself; ask another admin.');
      await store.remove(id);
      await store.audit({ at: now.getTime(), actor: actorId(actor), action: 'removeStaff', target: id, before: found, after: null });
    });
  }

  /** The first `limit` members registered at one identity provider, by id (what the sandbox provider lists). */
  ofIssuer(issuer: string, limit: number): Promise<StaffMember[]> {
    return this.deps.store.list({ issuer, limit });
  }

  /** The registered member for an identity at a provider, if any. */
  identify(issuer: string, subject: string): Promise<StaffMember | undefined> {
    return this.deps.store.byIdentity(issuer, subject);
  }
}

/** The audit actor: the person when a member of staff acts, else the bureau; null for the operator. */
const actorId = (actor: StaffActor | undefined): string | null => actor?.staffId ?? actor?.clientId ?? null;
