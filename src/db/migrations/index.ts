import type { Knex } from 'knex';
import * as m001 from './001_regions.js';
import * as m002 from './002_auth.js';
import * as m004 from './004_financing.js';
import * as m003sync from './003_procurement_sync.js';
import * as m003sandbox from './003_sandbox_cloud.js';
import * as m006 from './006_statistics.js';
import * as m005 from './005_events.js';
import * as m007 from './007_epoch_ms_times.js';
import * as m008 from './008_sign_in.js';
import * as m009 from './009_audit_tree.js';
import * as m010 from './010_shared_state.js';
import * as m012 from './012_marketplace.js';
import * as m011 from './011_supplier_notifications.js';
import * as m013 from './013_supervision.js';
import * as m014portal from './014_portal_product_promises.js';
import * as m015 from './015_statistics_cells.js';

/** A migration: a name that never changes, and its up and down. */
export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
  /** `{ transaction: false }` runs it outside knex's per-migration transaction. */
  config?: { transaction: boolean };
}

/** Every migration, in order. Append only; never rename or reorder. */
export const migrations: readonly Migration[] = [
  { name: '001_regions', ...m001 },
  { name: '002_auth', ...m002 },
  { name: '003_procurement_sync', ...m003sync },
  { name: '003_sandbox_cloud', ...m003sandbox },
  { name: '004_financing', ...m004 },
  { name: '005_events', ...m005 },
  { name: '006_statistics', ...m006 },
  { name: '007_epoch_ms_times', ...m007 },
  { name: '008_sign_in', ...m008 },
  { name: '009_audit_tree', ...m009 },
  { name: '010_shared_state', ...m010 },
  { name: '011_supplier_notifications', ...m011 },
  { name: '012_marketplace', ...m012 },
  { name: '013_supervision', ...m013 },
  { name: '014_portal_product_promises', ...m014portal },
  { name: '015_statistics_cells', ...m015 },
];

/** Serves the list to knex, so the same code runs from src/ (tsx, vitest) and dist/. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
