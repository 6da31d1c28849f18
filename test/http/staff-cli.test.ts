import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import { BureauService } from '../../src/features/bureaus/bureaus-service.js';
import { KnexBureauStore } from '../../src/features/bureaus/bureaus-knex-store.js';
import { KnexRegionStore } from '../../src/features/regions/regions-knex-store.js';
import { RegionService } from '../../src/features/regions/regions-service.js';
import { seedRegions } from '../../seeds/regions.js';
import { makeKey } from '../helpers/auth.js';
import { runZcd } from '../helpers/cli.js';
import { freshDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

let fresh: TestDatabase;
let db: Knex;
beforeAll(async () => {
  fresh = await freshDatabase();
  db = createDb(fresh.target);
  await migrateLatest(db);
  await seedRegions(db);
  const bureaus = new BureauService({ store: new KnexBureauStore(db), regions: new RegionService(new KnexRegionStore(db)), config: { jwksUriAllowPrivate: false } });
  await bureaus.create(undefined, { regionCode: '150000', name: '内蒙古自治区财政厅', jwks: { keys: [(await makeKey()).publicJwk] } });
});
afterAll(async () => {
  await db?.destroy();
  await fresh?.dispose();
});

const zcd = (args: string[]) => runZcd(['staff', ...args], { DATABASE_URL: fresh.url, ISSUER_URL: 'http://localhost:8080' });

describe(`zcd staff on ${testDatabaseKind}`, () => {
  it('adds, lists and removes a member of staff; the sandbox provider is the default issuer', async () => {
    const added = await zcd(['add', '--bureau', '150000', '--subject', 'czt-wl', '--name', '乌兰', '--role', 'admin']);
    expect(added.code, added.stderr).toBe(0);
    const member = JSON.parse(added.stdout) as { id: string; issuer: string; role: string; bureau: { region_code: string } };
    expect(member).toMatchObject({ issuer: 'http://localhost:8080/sandbox/oidc', role: 'admin', bureau: { region_code: '150000' } });
    expect(member.id).toMatch(/^stf_[0-9a-f]{24}$/);

    const other = await zcd(['add', '--bureau', '150000', '--subject', 'u-1', '--name', '张伟', '--role', 'viewer', '--issuer', 'https://idp.nmg.example/realms/czt']);
    expect(other.code, other.stderr).toBe(0);

    const listed = await zcd(['list']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith(member.id))).toContain('czt-wl');
    expect(JSON.parse((await zcd(['list', '--json'])).stdout)).toHaveLength(2);

    const removed = await zcd(['remove', member.id]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout.trim()).toBe(`removed ${member.id}`);
    expect(JSON.parse((await zcd(['list', '--json'])).stdout).map((m: { id: string }) => m.id)).not.toContain(member.id);
  }, 60_000);

  it.each([
    [['add', '--bureau', '150100', '--subject', 's', '--name', 'n', '--role', 'admin'], /--bureau: no bureau is registered for region 150100 \(validation_failed\)/],
    [['add', '--bureau', '150000', '--subject', 's', '--name', 'n', '--role', 'owner'], /--role: .*\(validation_failed\)/],
    [['add', '--bureau', '15000', '--subject', 's', '--name', 'n', '--role', 'admin'], /--bureau: .*\(validation_failed\)/],
    [['remove', 'stf_000000000000000000000000'], /No member of staff with this id.*\(staff_not_found\)/],
    [['remove', 'nobody'], /id: not a staff id \(validation_failed\)/],
  ])('refuses %j in one line, exit 1, no stack trace', async (args, message) => {
    const r = await zcd(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('refuses a second registration of one identity', async () => {
    expect((await zcd(['add', '--bureau', '150000', '--subject', 'dup', '--name', 'a', '--role', 'viewer'])).code).toBe(0);
    const again = await zcd(['add', '--bureau', '150000', '--subject', 'dup', '--name', 'b', '--role', 'admin']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('zcd: This identity is already registered as staff. (staff_exists)');
  }, 60_000);
});
