import type { Knex } from 'knex';
import type { JWK } from 'jose';
import { PreparedStatements } from '../../db/prepared.js';
import { KnexAdminAuditStore } from '../audit/admin-audit-knex-store.js';
import { insertClient, writeClientKeys } from '../auth/clients-knex-store.js';
import type { ClientStatus } from '../auth/clients-store.js';
import type { RegisteredKey } from '../auth/jwks.js';
import type { Institution, InstitutionQuery, InstitutionStore, InstitutionSummary, InstitutionType, NewInstitution } from './institutions-store.js';
import { withTransactionRetry } from '../../db/transaction-retry.js';

interface Row {
  client_id: string;
  name: string;
  uscc: string;
  license_no: string;
  type: InstitutionType;
  status: ClientStatus;
  status_reason: string | null;
  dpop_required: boolean | number;
  jwks_uri: string | null;
  webhook_url: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const columns = [
  'i.client_id', 'i.name', 'i.uscc', 'i.license_no', 'i.type', 'c.status', 'i.status_reason', 'c.dpop_required',
  'c.jwks_uri', 'i.webhook_url', 'i.contact_name', 'i.contact_phone', 'i.contact_email', 'i.created_at', 'i.updated_at',
];

// Name and status of one institution: read by every application a supplier submits.
const SUMMARY = 'select i.client_id, i.name, c.status from institutions i join clients c on c.client_id = i.client_id where i.client_id = ?';

/** Institutions in SQLite or PostgreSQL: `institutions` joined with their `clients` row. */
export class KnexInstitutionStore implements InstitutionStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.statements = new PreparedStatements(db);
  }

  transaction<T>(fn: (store: InstitutionStore) => Promise<T>): Promise<T> {
    return withTransactionRetry(this.db, (trx) => fn(new KnexInstitutionStore(trx)));
  }

  async create(i: NewInstitution): Promise<void> {
    await insertClient(this.db, {
      clientId: i.clientId,
      kind: 'institution',
      status: i.status,
      dpopRequired: i.dpopRequired,
      jwksUri: i.jwksUri,
      keys: i.keys,
      createdAt: i.createdAt,
    });
    await this.db('institutions').insert({
      client_id: i.clientId,
      name: i.name,
      uscc: i.uscc,
      license_no: i.licenseNo,
      type: i.type,
      status_reason: null,
      webhook_url: i.webhookUrl,
      webhook_secret: i.webhookSecret,
      contact_name: i.contact.name ?? null,
      contact_phone: i.contact.phone ?? null,
      contact_email: i.contact.email ?? null,
      created_by: i.createdBy,
      created_at: i.createdAt,
      updated_at: i.createdAt,
    });
    await this.db('institution_regions').insert(i.regions.map((r) => ({ client_id: i.clientId, region_code: r })));
  }

  async get(clientId: string): Promise<Institution | undefined> {
    return (await this.hydrate(this.base().where('i.client_id', clientId)))[0];
  }

  async getMany(clientIds: readonly string[]): Promise<Institution[]> {
    if (!clientIds.length) return [];
    return this.hydrate(this.base().whereIn('i.client_id', [...clientIds]));
  }

  async summaries(clientIds: readonly string[]): Promise<InstitutionSummary[]> {
    if (clientIds.length === 1) {
      return (await this.statements.rows<[string, string, ClientStatus]>(SUMMARY, [clientIds[0]!])).map((r) => ({ clientId: r[0], name: r[1], status: r[2] }));
    }
    if (!clientIds.length) return [];
    const rows = (await this.db('institutions as i')
      .join('clients as c', 'c.client_id', 'i.client_id')
      .whereIn('i.client_id', [...clientIds])
      .select('i.client_id', 'i.name', 'c.status')) as { client_id: string; name: string; status: ClientStatus }[];
    return rows.map((r) => ({ clientId: r.client_id, name: r.name, status: r.status }));
  }

  async findByUscc(uscc: string): Promise<string | undefined> {
    const row = await this.db('institutions').where({ uscc }).first<{ client_id: string } | undefined>('client_id');
    return row?.client_id;
  }

  async list(q: InstitutionQuery): Promise<Institution[]> {
    const query = this.base()
      .whereIn('i.client_id', this.db('institution_regions').select('client_id').whereIn('region_code', q.regions))
      .orderBy('i.client_id')
      .limit(q.limit);
    if (q.status !== undefined) query.where('c.status', q.status);
    if (q.afterClientId !== undefined) query.where('i.client_id', '>', q.afterClientId);
    return this.hydrate(query);
  }

  async setStatus(clientId: string, status: ClientStatus, reason: string, at: number, from?: ClientStatus): Promise<boolean> {
    const query = this.db('clients').where({ client_id: clientId });
    // Compare-and-set: of two concurrent changes from the same status, only one applies.
    if (from !== undefined) query.where({ status: from });
    if ((await query.update({ status })) !== 1) return false;
    await this.db('institutions').where({ client_id: clientId }).update({ status_reason: reason, updated_at: at });
    return true;
  }

  async setKeys(clientId: string, keys: RegisteredKey[], jwksUri: string | null, at: number): Promise<void> {
    await this.db('clients').where({ client_id: clientId }).update({ jwks_uri: jwksUri });
    await writeClientKeys(this.db, clientId, keys);
    await this.db('institutions').where({ client_id: clientId }).update({ updated_at: at });
  }

  async update(clientId: string, change: { regions: string[]; webhookUrl: string | null }, at: number): Promise<void> {
    await this.db('institution_regions').where({ client_id: clientId }).delete();
    await this.db('institution_regions').insert(change.regions.map((r) => ({ client_id: clientId, region_code: r })));
    await this.db('institutions').where({ client_id: clientId }).update({ webhook_url: change.webhookUrl, updated_at: at });
  }

  async audit(entry: Parameters<InstitutionStore['audit']>[0]): Promise<void> {
    await new KnexAdminAuditStore(this.db).record(entry);
  }

  private base() {
    return this.db('institutions as i').join('clients as c', 'c.client_id', 'i.client_id').select(columns);
  }

  private async hydrate(query: Knex.QueryBuilder): Promise<Institution[]> {
    const rows = (await query) as Row[];
    if (!rows.length) return [];
    const ids = rows.map((r) => r.client_id);
    const regions: { client_id: string; region_code: string }[] = await this.db('institution_regions')
      .whereIn('client_id', ids)
      .orderBy('region_code');
    const keys: { client_id: string; jwk: string }[] = await this.db('client_keys').whereIn('client_id', ids).orderBy('jkt');
    return rows.map((r) => ({
      clientId: r.client_id,
      name: r.name,
      uscc: r.uscc,
      licenseNo: r.license_no,
      type: r.type,
      status: r.status,
      statusReason: r.status_reason,
      regions: regions.filter((x) => x.client_id === r.client_id).map((x) => x.region_code),
      dpopRequired: Boolean(r.dpop_required),
      jwks: r.jwks_uri === null ? keys.filter((k) => k.client_id === r.client_id).map((k) => JSON.parse(k.jwk) as JWK) : null,
      jwksUri: r.jwks_uri,
      webhookUrl: r.webhook_url,
      contact: {
        ...(r.contact_name === null ? {} : { name: r.contact_name }),
        ...(r.contact_phone === null ? {} : { phone: r.contact_phone }),
        ...(r.contact_email === null ? {} : { email: r.contact_email }),
      },
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }
}
