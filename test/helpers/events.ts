import { randomUUID } from 'node:crypto';
import type { Knex } from '../../src/db/knex.js';
import { createDb, migrateLatest } from '../../src/db/knex.js';
import { seedRegions } from '../../seeds/regions.js';
import { freshDatabase, type TestDatabase } from './db.js';
import { WebhookReceiver } from '@zcd-gateway/client';
import { createOnboarding, operatorBureau } from '../../src/features/institutions/onboarding-module.js';
import { systemClock } from '../../src/clock.js';
import { KnexEventsStore } from '../../src/features/events/events-knex-store.js';
import { Outbox } from '../../src/features/events/outbox.js';
import { makeKey, nextUscc } from './auth.js';

/** An active institution with a webhook URL, registered as the operator would; returns its id and secret. */
export async function institutionWithWebhook(db: Knex, webhookUrl: string): Promise<{ clientId: string; secret: string }> {
  const { bureaus, institutions } = createOnboarding(db, { config: { jwksUriAllowPrivate: true } });
  if (!(await bureaus.byRegion('150000'))) await bureaus.create(undefined, { regionCode: '150000', name: 'bureau', jwks: { keys: [(await makeKey()).publicJwk] } });
  const { institution, webhookSecret } = await institutions.create(
    (await operatorBureau(bureaus))!,
    { name: '测试银行', uscc: nextUscc(), licenseNo: 'B0001', type: 'bank', regions: ['150000'], jwks: { keys: [(await makeKey()).publicJwk] }, webhookUrl, dpopRequired: true },
    true,
  );
  return { clientId: institution.clientId, secret: webhookSecret };
}

/** Writes `n` application events for the institution through the real outbox, each in its own transaction. */
export async function writeEvents(db: Knex, institutionId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const data = { application_id: randomUUID(), contract_no: `NMZC-T-${i}`, requested_amount: 1000 + i, consent_parts: ['contract'], consent_expires_at: new Date().toISOString() };
    await db.transaction((trx) =>
      new Outbox(new KnexEventsStore(trx), systemClock).record({
        type: 'application.submitted',
        contractNo: data.contract_no,
        applicationId: data.application_id,
        institutionId,
        data,
      }),
    );
  }
}

/** A migrated database with regions and a started webhook receiver, for the child-process delivery tests. */
export async function deliveryRig(): Promise<{ fresh: TestDatabase; db: Knex; receiver: WebhookReceiver; dispose(): Promise<void> }> {
  const fresh = await freshDatabase();
  const db = createDb(fresh.target);
  await migrateLatest(db);
  await seedRegions(db);
  const receiver = new WebhookReceiver();
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
