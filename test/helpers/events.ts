import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../../src/db/knex.js';
import { seedRegions } from '../../seeds/regions.js';
import { freshDatabase, type TestDatabase } from './db.js';
import { TestReceiver } from './webhook-receiver.js';
import { BureauService } from '../../src/features/bureaus/bureaus-service.js';
import { KnexBureauStore } from '../../src/features/bureaus/bureaus-knex-store.js';
import { InstitutionService } from '../../src/features/institutions/institutions-service.js';
import { KnexInstitutionStore } from '../../src/features/institutions/institutions-knex-store.js';
import { KnexRegionStore } from '../../src/features/regions/regions-knex-store.js';
import { RegionService } from '../../src/features/regions/regions-service.js';
import { EventFanOut } from '../../src/features/events/event-fan-out.js';
import { makeKey, nextUscc } from './auth.js';

/** An active institution with a webhook URL, registered as the operator would; returns its id and secret. */
export async function institutionWithWebhook(db: Knex, webhookUrl: string): Promise<{ clientId: string; secret: string }> {
  const regions = new RegionService(new KnexRegionStore(db));
  const config = { jwksUriAllowPrivate: true };
  const bureaus = new BureauService({ store: new KnexBureauStore(db), regions, config });
  const bureau = (await bureaus.byRegion('150000')) ?? (await bureaus.create(undefined, { regionCode: '150000', name: 'bureau', jwks: { keys: [(await makeKey()).publicJwk] } }));
  const institutions = new InstitutionService({ store: new KnexInstitutionStore(db), regions, config });
  const { institution, webhookSecret } = await institutions.create(
    { kind: 'bureau', clientId: bureau.clientId, bureauId: bureau.clientId, regionCode: '150000', scopes: ['admin'], role: 'admin' },
    { name: '测试银行', uscc: nextUscc(), licenseNo: 'B0001', type: 'bank', regions: ['150000'], jwks: { keys: [(await makeKey()).publicJwk] }, webhookUrl, dpopRequired: true },
    true,
  );
  return { clientId: institution.clientId, secret: webhookSecret };
}

/** Writes `n` application events for the institution through the real fan-out, each in its own transaction. */
export async function writeEvents(db: Knex, institutionId: string, n: number): Promise<void> {
  const fanOut = new EventFanOut();
  for (let i = 0; i < n; i++) {
    await db.transaction(async (trx) => {
      const id = `evt_${randomUUID()}`;
      const at = new Date().toISOString();
      const data = { application_id: randomUUID(), contract_no: `NMZC-T-${i}`, requested_amount: 1000 + i, consent_parts: ['contract'], consent_expires_at: at };
      await trx('events').insert({ id, type: 'application.submitted', occurred_at: at, contract_no: data.contract_no, payload: JSON.stringify(data), created_at: at });
      await fanOut.applicationEvent(trx, { id, type: 'application.submitted', occurredAt: at, institutionId, applicationId: data.application_id, data });
    });
  }
}

/** A migrated database with regions and a started webhook receiver, for the child-process delivery tests. */
export async function deliveryRig(): Promise<{ fresh: TestDatabase; db: Knex; receiver: TestReceiver; dispose(): Promise<void> }> {
  const fresh = await freshDatabase();
  const db = createDb(fresh.target);
  await migrateLatest(db);
  await seedRegions(db);
  const receiver = new TestReceiver();
  await receiver.start();
  return {
    fresh,
    db,
    receiver,
    async dispose() {
      await receiver.stop();
      await db.destroy();
      await fresh.dispose();
    },
  };
}
