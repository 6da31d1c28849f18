import type { Config } from '../../config.js';
import { epochMs, systemClock, type Clock } from '../../clock.js';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../errors.js';
import { readPage, type Page } from '../../http/pagination.js';
import type { BureauPrincipal, InstitutionPrincipal } from '../../http/principal.js';
import type { ClientStatus } from '../auth/clients-store.js';
import { clientKeysRegistration } from '../auth/client-keys-input.js';
import type { RegionService } from '../regions/regions-service.js';
import { ClientOnboarding, newWebhookSecret } from './client-onboarding.js';
import type { Institution, InstitutionStore, InstitutionType } from './institutions-store.js';

/** What a bureau submits to onboard an institution. */
export interface InstitutionInput {
  name: string;
  uscc: string;
  licenseNo: string;
  type: InstitutionType;
  regions: string[];
  jwks?: { keys: object[] } | undefined;
  jwksUri?: string | undefined;
  webhookUrl?: string | undefined;
  contact?: { name?: string; phone?: string; email?: string } | undefined;
  dpopRequired: boolean;
}

/** The status changes a bureau may make, from each status. */
const TRANSITIONS: Record<ClientStatus, readonly ClientStatus[]> = {
  pending: ['active', 'revoked'],
  active: ['suspended', 'revoked'],
  suspended: ['active', 'revoked'],
  revoked: [],
};

/** 403: the bureau acts on a region outside its subtree. */
export class OutsideRegionError extends DomainError {
  constructor(message = 'This is outside the region your bureau administers.') {
    super(403, 'outside_region', message);
  }
}

/** Institution onboarding (准入) and lifecycle, always within the acting bureau's subtree. */
export class InstitutionService {
  private readonly clock: Clock;
  private readonly onboarding: ClientOnboarding;

  constructor(
    private readonly deps: {
      store: InstitutionStore;
      regions: RegionService;
      /** With `webhookAllowPrivate: false` (production), webhook URLs must be https. */
      config: Pick<Config, 'jwksUriAllowPrivate'> & Partial<Pick<Config, 'webhookAllowPrivate'>>;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.onboarding = new ClientOnboarding({ config: deps.config, clock: this.clock });
  }

  /** Registers an institution (`pending`, or `active` when `activate`); returns it and its webhook secret. */
  async create(actor: BureauPrincipal, input: InstitutionInput, activate = false): Promise<{ institution: Institution; webhookSecret: string }> {
    await this.checkRegions(actor, input.regions);
    this.checkWebhookUrl(input.webhookUrl);
    const client = await this.onboarding.newClient('institution', input);
    const { clientId, at: now } = client;
    const webhookSecret = newWebhookSecret();
    const institution = await this.deps.store.transaction(async (store) => {
      if (await store.findByUscc(input.uscc)) throw new ConflictError('institution_exists', 'An institution with this USCC is already registered.');
      await store.create({
        clientId,
        name: input.name,
        uscc: input.uscc,
        licenseNo: input.licenseNo,
        type: input.type,
        status: 'pending',
        regions: [...new Set(input.regions)].sort(),
        dpopRequired: input.dpopRequired,
        keys: client.keys,
        jwksUri: client.jwksUri,
        webhookUrl: input.webhookUrl ?? null,
        webhookSecret,
        contact: input.contact ?? {},
        createdBy: actor.clientId,
        createdAt: now,
      });
      const created = (await store.get(clientId))!;
      await store.audit(this.onboarding.created(client, actor.clientId, 'createInstitution', created));
      if (!activate) return created;
      await store.setStatus(clientId, 'active', 'onboarded', now);
      const active: Institution = { ...created, status: 'active', statusReason: 'onboarded', updatedAt: now };
      await store.audit({ at: now, actor: actor.clientId, action: 'updateInstitutionStatus', target: clientId, before: created, after: active });
      return active;
    });
    return { institution, webhookSecret };
  }

  /** One page of the institutions serving the bureau's subtree. */
  async list(actor: BureauPrincipal, q: { status?: ClientStatus | undefined; afterClientId?: string | undefined; limit: number }): Promise<Page<Institution>> {
    const regions = await this.deps.regions.subtreeCodes(actor.regionCode);
    return readPage(q.limit, (limit) => this.deps.store.list({ ...q, regions, limit }));
  }

  /** An institution serving the bureau's subtree; any other is not found. */
  async get(actor: BureauPrincipal, clientId: string): Promise<Institution> {
    const institution = await this.deps.store.get(clientId);
    if (!institution) throw notFound();
    const subtree = await this.deps.regions.subtree(actor.regionCode);
    if (!institution.regions.some((r) => subtree.has(r))) throw notFound();
    return institution;
  }

  /** The institution a token acts for. */
  async getSelf(principal: InstitutionPrincipal): Promise<Institution> {
    const institution = await this.deps.store.get(principal.institutionId);
    if (!institution) throw notFound();
    return institution;
  }

  /** Moves an institution along its lifecycle; the bureau must cover every region it serves. */
  async setStatus(actor: BureauPrincipal, clientId: string, status: ClientStatus, reason: string): Promise<Institution> {
    return this.change(actor, clientId, 'updateInstitutionStatus', async (store, before, now) => {
      if (!TRANSITIONS[before.status].includes(status)) {
        throw new ConflictError('invalid_status_transition', `An institution cannot go from ${before.status} to ${status}.`, {
          current_status: before.status,
        });
      }
      if (!(await store.setStatus(clientId, status, reason, now, before.status))) {
        throw new ConflictError('invalid_status_transition', 'The institution changed meanwhile; read it and try again.');
      }
      return { ...before, status, statusReason: reason, updatedAt: now };
    });
  }

  /** Replaces the institution's registered keys (inline JWKS or `jwks_uri`). */
  async replaceKeys(actor: BureauPrincipal, clientId: string, input: { jwks?: { keys: object[] }; jwks_uri?: string }): Promise<Institution> {
    return this.change(actor, clientId, 'replaceInstitutionKeys', async (store, before, now) => {
      // Checked once the institution is known to be the bureau's: another bureau's institution is a 404, whatever the keys.
      const keys = await clientKeysRegistration(input, this.deps.config.jwksUriAllowPrivate);
      await store.setKeys(clientId, keys.keys, keys.jwksUri, now);
      const jwks = keys.jwksUri === null ? [...keys.keys].sort((a, b) => (a.jkt < b.jkt ? -1 : 1)).map((k) => k.jwk) : null;
      return { ...before, jwks, jwksUri: keys.jwksUri, updatedAt: now };
    });
  }

  /** `updateInstitution`: new coverage regions and/or webhook URL (`null` removes it), audited. */
  async update(actor: BureauPrincipal, clientId: string, input: { regions?: string[] | undefined; webhookUrl?: string | null | undefined }): Promise<Institution> {
    // Read before the transaction (which holds the only connection on SQLite), thrown once the institution is known
    // to be the bureau's: another bureau's institution is a 404, whatever the body.
    const regionsProblem = input.regions === undefined ? undefined : await this.checkRegions(actor, input.regions).then(() => undefined, (e: unknown) => e);
    return this.change(actor, clientId, 'updateInstitution', async (store, before, now) => {
      if (regionsProblem !== undefined) throw regionsProblem;
      if (input.webhookUrl !== undefined && input.webhookUrl !== null) this.checkWebhookUrl(input.webhookUrl);
      const regions = input.regions === undefined ? before.regions : [...new Set(input.regions)].sort();
      const webhookUrl = input.webhookUrl === undefined ? before.webhookUrl : input.webhookUrl;
      await store.update(clientId, { regions, webhookUrl }, now);
      return { ...before, regions, webhookUrl, updatedAt: now };
    });
  }

  /** Every region must exist (400 at its index) and lie in the bureau's subtree (403). */
  private async checkRegions(actor: BureauPrincipal, regions: readonly string[]): Promise<void> {
    const subtree = await this.deps.regions.subtree(actor.regionCode);
    for (const [i, code] of regions.entries()) {
      if (!subtree.has(code)) {
        if (!(await this.deps.regions.subtree(code)).size) {
          throw new ValidationError([{ in: 'body', pointer: `/regions/${i}`, detail: `no region has the code ${code}` }]);
        }
        throw new OutsideRegionError(`Region ${code} is outside the region your bureau administers.`);
      }
    }
  }

  /** Outside the sandbox a webhook URL must be https: events carry personal and business data. */
  private checkWebhookUrl(url: string | undefined): void {
    if (url === undefined || this.deps.config.webhookAllowPrivate !== false) return;
    if (!url.startsWith('https://')) {
      throw new ValidationError([{ in: 'body', pointer: '/webhook_url', detail: 'the webhook URL must use https' }]);
    }
  }

  /**
   * One change to an institution, in one transaction with its audit entry: read once, refused as not found outside
   * the bureau's subtree and as outside its region when the institution also serves regions beyond it.
   */
  private async change(
    actor: BureauPrincipal,
    clientId: string,
    action: string,
    apply: (store: InstitutionStore, before: Institution, now: number) => Promise<Institution>,
  ): Promise<Institution> {
    const subtree = await this.deps.regions.subtree(actor.regionCode);
    return this.deps.store.transaction(async (store) => {
      const before = await store.get(clientId);
      if (!before || !before.regions.some((r) => subtree.has(r))) throw notFound();
      if (!before.regions.every((r) => subtree.has(r))) {
        throw new OutsideRegionError('The institution also serves regions outside the region your bureau administers.');
      }
      const now = epochMs(this.clock);
      const after = await apply(store, before, now);
      await store.audit({ at: now, actor: actor.clientId, action, target: clientId, before, after });
      return after;
    });
  }
}

const notFound = () => new NotFoundError('institution_not_found', 'No such institution in the region your bureau administers.');
