import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { createOnboarding, operatorBureau } from '../../src/features/institutions/onboarding-module.js';
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
});
afterAll(async () => {
  await db?.destroy();
  await fresh?.dispose();
});

const zcd = (args: string[]) => runZcd(args, { DATABASE_URL: fresh.url });

/** The cells of a table's data rows, as a person reads them: one array per row, the header row first. */
function rows(table: string): string[][] {
  return table
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

describe(`zcd institutions list, bureaus list, sandbox suppliers and contracts on ${testDatabaseKind}`, () => {
  it('says what to run when nothing is there yet', async () => {
    const [bureaus, institutions, contracts, suppliers] = await Promise.all([
      zcd(['bureaus', 'list']),
      zcd(['institutions', 'list']),
      zcd(['sandbox', 'contracts']),
      zcd(['sandbox', 'suppliers']),
    ]);
    expect(bureaus.stdout.trim()).toMatch(/^no bureaus registered: zcd bureaus create --region 150000/);
    expect(institutions.stdout.trim()).toMatch(/^no institutions onboarded/);
    expect(contracts.stdout.trim()).toBe('no contracts seeded yet: zcd seed');
    expect(suppliers.stdout.trim()).toBe('no contracts seeded yet: zcd seed');
    for (const r of [bureaus, institutions, contracts, suppliers]) expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('lists the bureaus and institutions as a table and as JSON, and by status', async () => {
    const s = createOnboarding(db, { config: { jwksUriAllowPrivate: false } });
    const jwks = async () => ({ keys: [(await makeKey()).publicJwk] });
    await s.bureaus.create(undefined, { regionCode: '150000', name: '内蒙古自治区财政厅', jwks: await jwks() });
    const league = await s.bureaus.create(undefined, { regionCode: '150200', name: '包头市财政局', jwks: await jwks() });
    const operator = (await operatorBureau(s.bureaus))!;
    const onboard = async (name: string, serial: string, regions: string[]) =>
      (await s.institutions.create(operator, { name, uscc: withUsccCheck(`91150100MA0${serial}`), licenseNo: `B${serial}`, type: 'bank', regions, jwks: await jwks(), dpopRequired: true }, true)).institution;
    const a = await onboard('内蒙古草原银行', 'CL0001', ['150100']);
    const b = await onboard('包头鹿城村镇银行', 'CL0002', ['150200', '150203']);
    await s.institutions.setStatus(operator, b.clientId, 'suspended', '未按期报送');

    const bureaus = await zcd(['bureaus', 'list']);
    expect(bureaus.code, bureaus.stderr).toBe(0);
    const bureauRows = rows(bureaus.stdout);
    expect(bureauRows[0]).toEqual(['region', 'name', 'client_id', 'registered']);
    expect(bureauRows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['150000', '内蒙古自治区财政厅', operator.clientId],
      ['150200', '包头市财政局', league.clientId],
    ]);
    const bureausJson = JSON.parse((await zcd(['bureaus', 'list', '--json'])).stdout) as { client_id: string; region_code: string }[];
    expect(bureausJson.map((x) => x.region_code)).toEqual(['150000', '150200']);

    const institutions = await zcd(['institutions', 'list']);
    expect(institutions.code, institutions.stderr).toBe(0);
    const byName = new Map(rows(institutions.stdout).slice(1).map((r) => [r[0], r]));
    expect(byName.get('内蒙古草原银行')).toEqual(['内蒙古草原银行', 'active', 'bank', '150100', a.clientId]);
    expect(byName.get('包头鹿城村镇银行')).toEqual(['包头鹿城村镇银行', 'suspended', 'bank', '150200,150203', b.clientId]);

    const suspended = JSON.parse((await zcd(['institutions', 'list', '--status', 'suspended', '--json'])).stdout) as { client_id: string; status_reason: string }[];
    expect(suspended).toEqual([expect.objectContaining({ client_id: b.clientId, status_reason: '未按期报送' })]);
    expect((await zcd(['institutions', 'list', '--status', 'revoked'])).stdout.trim()).toBe('no revoked institutions');
  }, 60_000);

  it('lists the sandbox’s contracts page by page and its suppliers with their counts, as the cloud shows them', async () => {
    const seeded = await zcd(['seed', '--contracts', '80']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const cloud = new SandboxCloud(db);

    const first = await zcd(['sandbox', 'contracts', '--limit', '5']);
    expect(first.code, first.stderr).toBe(0);
    const table = rows(first.stdout);
    expect(table[0]).toEqual(['contract_no', 'status', 'signed_on', 'amount (yuan)', 'supplier', 'supplier_uscc', 'purchaser']);
    expect(table).toHaveLength(6);
    const one = (await cloud.getContract(table[1]![0]!))!;
    expect(table[1]).toEqual([one.contractNo, one.status, one.signedOn, expect.stringMatching(/^[0-9,]+\.[0-9]{2}$/), one.supplier.name, one.supplier.uscc, one.purchaser.name]);
    // The yuan a person reads are the fen the cloud holds, to the fen.
    expect(Number(table[1]![3]!.replace(/[,.]/g, ''))).toBe(one.amountFen);
    const more = first.stdout.trim().split('\n').at(-1)!;
    expect(more).toBe(`more: zcd sandbox contracts --after ${table[5]![0]} --limit 5`);

    // Paging with --after walks every contract once, in order.
    const seen: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = JSON.parse((await zcd(['sandbox', 'contracts', '--json', '--limit', '30', ...(after ? ['--after', after] : [])])).stdout) as {
        items: { contract_no: string; amount_fen: number; supplier: { uscc: string } }[];
        next_after: string | null;
      };
      seen.push(...page.items.map((c) => c.contract_no));
      for (const c of page.items) expect(Number.isSafeInteger(c.amount_fen)).toBe(true);
      if (!page.next_after) break;
      after = page.next_after;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(80);

    const suppliers = JSON.parse((await zcd(['sandbox', 'suppliers', '--limit', '0', '--json'])).stdout) as { uscc: string; contracts: number; sme: boolean; region_code: string }[];
    expect(suppliers.reduce((n, x) => n + x.contracts, 0)).toBe(seen.length);
    expect(suppliers.map((x) => x.contracts)).toEqual([...suppliers.map((x) => x.contracts)].sort((p, q) => q - p));
    const top = suppliers[0]!;
    const theirs = JSON.parse((await zcd(['sandbox', 'contracts', '--supplier', top.uscc, '--limit', '100', '--json'])).stdout) as { items: { supplier: { uscc: string } }[] };
    expect(theirs.items).toHaveLength(top.contracts);
    expect(theirs.items.every((c) => c.supplier.uscc === top.uscc)).toBe(true);

    const shown = await zcd(['sandbox', 'suppliers', '--limit', '3']);
    expect(rows(shown.stdout)).toHaveLength(4);
    expect(shown.stdout.trim().split('\n').at(-1)).toBe(`3 of ${suppliers.length} suppliers; --limit 0 for all`);
  }, 120_000);

  it.each([
    [['institutions', 'list', '--status', 'closed'], /^zcd: --status must be active, suspended or revoked, not "closed"$/],
    [['sandbox', 'contracts', '--limit', 'ten'], /^zcd: --limit must be a whole number from 0 to 10000, not "ten"$/],
    [['sandbox', 'contracts', '--limit', '0'], /^zcd: --limit must be a whole number from 1 to 10000/],
    [['sandbox', 'contracts', '--supplier', '91150100MA0000000X'], /^zcd: --supplier: "91150100MA0000000X" is not a valid USCC/],
    [['sandbox', 'contracts', '--after', 'HT-1'], /^zcd: --after: "HT-1" is not a sandbox contract number/],
    [['sandbox', 'suppliers', '--limit', '-1'], /^zcd: --limit must be a whole number/],
  ])('refuses %j in one line, exit 1, no stack trace', async (args, message) => {
    const r = await zcd(args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
