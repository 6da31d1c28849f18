import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';
import { dpopProof, getToken, type TestParty } from '../helpers/auth.js';
import { freshDatabase, testDatabaseKind } from '../helpers/db.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/knex.js';
import type { DatabaseTarget } from '../../src/config.js';
import { seedRegions } from '../../seeds/regions.js';
import { spec, specViolation } from '../helpers/spec.js';
import { changeMark, changesSince, installChangeLog } from './change-log.js';
import { body, deref, hostileString, lengthBounds, oddRawBody, valid } from './spec-arbitraries.js';

// The spec-driven fuzzer (issue 20): requests for every operation of api-spec/openapi.yaml, generated from its
// request schemas with fast-check plus hostile values, sent to the real app on this run's database. For each
// answer: never a 5xx; every answer is documented for the operation and valid against the spec (4xx as
// problem+json); a refused write changes nothing (a change log fed by triggers on every table, ./change-log.ts,
// must not move: no row inserted, deleted or changed). One app and one database serve the whole run, so that a
// case costs one request and one or two indexed reads. The end of the run prints the cases and time of each
// operation.
//
//   FUZZ_SEED      the seed (printed; set it to replay a run)            default: random
//   FUZZ_RUNS      cases per write operation; never below 300 (a write that runs fewer fails)   default: 300
//   FUZZ_READ_RUNS cases per read operation                               default: 60
//   FUZZ_BUDGET_S  seconds the whole run may take; past it every operation stops early, which fails every
//                  write operation that has not reached its 300 cases                        default: 170
//   FUZZ_ONLY      comma-separated operationIds to fuzz                   default: all
//   FUZZ_FINDINGS  where findings are written as JSON      default: test-results/fuzz-findings-<sqlite|pg>.json

/** The floor: no write operation is fuzzed with fewer cases, whatever FUZZ_RUNS says. */
const WRITE_FLOOR = 300;
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const writeRuns = Math.max(WRITE_FLOOR, Number(process.env.FUZZ_RUNS ?? WRITE_FLOOR));
const readRuns = Number(process.env.FUZZ_READ_RUNS ?? 60);
const budgetMs = Number(process.env.FUZZ_BUDGET_S ?? 170) * 1000;
const only = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',')) : undefined;
const findingsFile = resolve(process.env.FUZZ_FINDINGS ?? `test-results/fuzz-findings-${testDatabaseKind}.json`);

/** Tables a refused request may write by design: replay guards, idempotency records, read logs, sessions, keys. */
const BOOKKEEPING = new Set([
  'rate_limit_buckets',
  'knex_migrations',
  'knex_migrations_lock',
  'used_jtis',
  'idempotency_keys',
  'data_access_log',
  'audit_chain_head',
  'sessions',
  'signin_flows',
  'signin_keys',
  'sandbox_oidc',
  'gateway_keys',
]);

interface Operation {
  method: string;
  path: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
}

/** What one operation's run did, printed at the end. */
interface OperationStat {
  operationId: string;
  write: boolean;
  cases: number;
  ms: number;
  statuses: Record<number, number>;
}

interface Finding {
  operationId: string;
  seed: number;
  request: { method: string; url: string; contentType?: string; body?: string; as: string };
  status: number;
  problem: string;
  response: string;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations: Operation[] = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const m of methods) {
    const op = item[m] as unknown as Operation | undefined;
    if (op) operations.push({ ...op, method: m.toUpperCase(), path });
  }
}

let w: FinancingWorld;
const stats: OperationStat[] = [];
/** When the run must be over (FUZZ_BUDGET_S after the first operation starts). */
let deadline: number | undefined;
let disposeFuzzDatabase: (() => Promise<void>) | undefined;

/**
 * The fuzzer's throwaway database, migrated. On PostgreSQL its sessions skip waiting for the WAL flush at
 * commit (synchronous_commit=off): nothing here needs to survive a crash, and thousands of small commits
 * would otherwise spend the run waiting on fsync.
 */
async function fuzzDatabase(): Promise<Knex> {
  const fresh = await freshDatabase();
  disposeFuzzDatabase = () => fresh.dispose();
  const target: DatabaseTarget =
    fresh.target.client === 'pg'
      ? { client: 'pg', connectionString: `${fresh.target.connectionString}?options=${encodeURIComponent('-c synchronous_commit=off')}` }
      : fresh.target;
  const db = createDb(target);
  await migrateLatest(db);
  await seedRegions(db);
  return db;
}
let victim: TestParty;
const known: Record<string, string[]> = {};
const findings: Finding[] = [];
const tokens = new Map<string, { token: string; at: number }>();
let supplierAuth: Record<string, string> = {};

type Who = 'bank' | 'bureau' | 'supplier' | 'none';

function principalOf(op: Operation): Who {
  const schemes = (op.security ?? []).flatMap((r) => Object.entries(r));
  if (schemes.some(([k, v]) => k === 'clientCredentials' && v.includes('institution'))) return 'bank';
  if (schemes.some(([k, v]) => k === 'clientCredentials' && v.includes('admin'))) return 'bureau';
  if (schemes.some(([k]) => k === 'supplierIdentity')) return 'supplier';
  return 'none';
}

async function authHeaders(who: Who, method: string, pathOnly: string): Promise<Record<string, string>> {
  if (who === 'none') return {};
  if (who === 'supplier') return supplierAuth;
  const party = who === 'bank' ? w.bank : w.bureau;
  let cached = tokens.get(who);
  if (!cached || Date.now() - cached.at > 300_000) tokens.set(who, (cached = { token: await getToken(w.gw, party), at: Date.now() }));
  return {
    authorization: `DPoP ${cached.token}`,
    dpop: await dpopProof(party.dpopKey, method, w.gw.issuer + pathOnly, { accessToken: cached.token }),
  };
}

interface Case {
  who: Who;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: { contentType?: string; raw: string | Buffer };
}

const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

function encodeSegment(v: string): string {
  // Dots are encoded so that fetch's URL parser does not resolve them as path segments.
  return encodeURIComponent(v).replace(/\./g, '%2E');
}

/**
 * Whether a boundary string fits in a URL beside the others: Node refuses a request line past its header
 * limit (16 KiB) with 431 before the app sees it — a limit the spec's conventions state — and 2048 astral characters
 * percent-encode to 24 KiB.
 */
const inUrl = (s: string) => encodeURIComponent(s).length <= 2048;

/** The arbitrary of one request to `op`. */
function caseOf(op: Operation): fc.Arbitrary<Case> {
  const params = (op.parameters ?? []).map(deref) as { name: string; in: string; required?: boolean; schema?: unknown }[];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(
    ...pathParams.map((p) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...(known[p.name] ?? ['x'])).map(encodeSegment), weight: 6 },
        { arbitrary: valid(p.schema ?? {}).map((v) => encodeSegment(String(v))), weight: 2 },
        { arbitrary: hostileString.filter((s) => s.length > 0 && wellFormed(s)).map(encodeSegment), weight: 2 },
        ...lengthBounds(p.schema ?? {}, inUrl).map((arbitrary) => ({ arbitrary: arbitrary.map(encodeSegment), weight: 1 })),
        { arbitrary: fc.constantFrom('%00', '%FF', '%ZZ', '%C0%80', '%ED%A0%80', '%2F', '%20'), weight: 1 },
      ),
    ),
  ).map((values) => {
    let path = op.path;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i]!)));
    return path;
  });
  const queryArb = fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    {
      arbitrary: fc
        .tuple(
          ...queryParams.map((p) =>
            fc.option(
              fc.oneof(
                { arbitrary: valid(p.schema ?? {}).map((v) => String(v)), weight: 3 },
                { arbitrary: hostileString.filter((s) => wellFormed(s)), weight: 1 },
                ...lengthBounds(p.schema ?? {}, inUrl).map((arbitrary) => ({ arbitrary, weight: 1 })),
              ),
              { freq: 2 },
            ),
          ),
          fc.option(fc.tuple(hostileString.filter((s) => wellFormed(s)), fc.string()), { freq: 4 }),
        )
        .map(([...values]) => {
          const extra = values.pop() as [string, string] | null;
          const q = new URLSearchParams();
          queryParams.forEach((p, i) => {
            const v = values[i] as string | null;
            if (v !== null) q.append(p.name, v);
          });
          if (extra) q.append(extra[0], extra[1]);
          return q.toString();
        }),
      weight: 6,
    },
    { arbitrary: fc.constantFrom('page_size=%00', 'page_token=%FF', 'region=%ED%A0%80', '%00=1', 'page_size=1&page_size=2', 'a[b]=1'), weight: 1 },
  );
  const media = op.requestBody ? Object.entries((deref(op.requestBody).content ?? {}) as Record<string, { schema?: unknown }>)[0] : undefined;
  const bodyArb: fc.Arbitrary<Case['body']> = media
    ? fc.oneof(
        {
          arbitrary: body(media[1].schema ?? {}).map((v) => ({
            contentType: media[0],
            raw: media[0] === 'application/json' ? JSON.stringify(v) ?? 'null' : new URLSearchParams(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]): [string, string] => [k, String(x)])).toString(),
          })),
          weight: 8,
        },
        { arbitrary: oddRawBody, weight: 2 },
        { arbitrary: fc.constant(undefined), weight: 1 },
      )
    : op.method === 'GET'
      ? fc.constant(undefined)
      : fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: oddRawBody, weight: 1 });
  const headersArb = fc.record(
    {
      'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'x'.repeat(300), 'key with space', 'k\u00e9')),
      'x-csrf-token': fc.constantFrom('x', ''),
      'if-none-match': fc.constantFrom('"x"', '*', 'W/"1"'),
      'x-request-id': fc.constantFrom('a b', 'ok-1', '\u00ff'),
    },
    { requiredKeys: [] },
  );
  const who = principalOf(op);
  const whoArb: fc.Arbitrary<Who> = who === 'none' ? fc.constant('none') : fc.oneof({ arbitrary: fc.constant(who), weight: 9 }, { arbitrary: fc.constant<Who>('none'), weight: 1 });
  return fc.record({ who: whoArb, path: pathArb, query: queryArb, headers: headersArb, body: bodyArb });
}


/** Sends one case; returns what is wrong with the answer, if anything. */
/** Sends one case: the answer's status, and what is wrong with the answer, if anything. */
async function exercise(op: Operation, c: Case): Promise<{ status: number; finding?: Finding }> {
  const write = op.method !== 'GET';
  // Cases run one after another, so where the change log stands now is this case's "before".
  const before = write ? await changeMark(w.gw.db) : undefined;
  const url = w.gw.issuer + c.path + (c.query ? `?${c.query}` : '');
  const headers: Record<string, string> = { ...c.headers, ...(await authHeaders(c.who, op.method, c.path)) };
  if (c.body?.contentType) headers['content-type'] = c.body.contentType;
  const res = await fetch(url, {
    method: op.method,
    headers,
    // The answer of this operation, not of wherever it redirects (sign-in goes on to an identity provider).
    redirect: 'manual',
    ...(c.body ? { body: typeof c.body.raw === 'string' ? Buffer.from(c.body.raw, 'utf8') : c.body.raw } : {}),
  });
  const text = await res.text();
  const type = res.headers.get('content-type');
  const found = (problem: string) => ({
    status: res.status,
    finding: {
      operationId: op.operationId,
      seed,
      request: {
        method: op.method,
        url: c.path + (c.query ? `?${c.query}` : ''),
        as: c.who,
        ...(c.body?.contentType ? { contentType: c.body.contentType } : {}),
        ...(c.body ? { body: (typeof c.body.raw === 'string' ? c.body.raw : c.body.raw.toString('base64')).slice(0, 2000) } : {}),
      },
      status: res.status,
      problem,
      response: text.slice(0, 1000),
    },
  });
  if (res.status >= 500) return found('a 5xx answer');
  let parsed: unknown = text;
  if (type && /json/.test(type) && text.length) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return found('a JSON content type with a body that is not JSON');
    }
  }
  const violation = specViolation(op.method, new URL(url).pathname, res.status, type, parsed);
  if (violation) return found(violation);
  if (write && res.status >= 400 && (await changeMark(w.gw.db)) !== before) {
    return found(`a refused write changed the database (rows written: ${JSON.stringify(await changesSince(w.gw.db, before!))})`);
  }
  return { status: res.status };
}

beforeAll(async () => {
  console.log(`spec fuzzer: FUZZ_SEED=${seed} (${testDatabaseKind}; ${writeRuns} cases per write, ${readRuns} per read)`);
  // A public limit no run reaches, so that the public reads are exercised rather than answered 429.
  w = await financingWorld(30, { db: await fuzzDatabase(), config: { publicRateLimitPerMinute: 1_000_000 } });
  const contracts = await w.financeable(4);
  const ids: string[] = [];
  for (const c of contracts) {
    const created = await w.gw.client.post(
      '/api/v1/supplier/applications',
      { contract_no: c.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
      { headers: await w.supplier(c.uscc) },
    );
    if (created.status !== 201) throw new Error(`createApplication: ${created.status} ${created.text}`);
    ids.push(created.body.id as string);
  }
  supplierAuth = await w.supplier(contracts[0]!.uscc);
  victim = (await w.anotherBank()).bank;
  const events = (await w.gw.db('events').select('id').limit(3)) as { id: string | number }[];
  const staff = (await w.gw.db('staff').select('id').limit(3)) as { id: string | number }[];
  Object.assign(known, {
    productId: [w.productId],
    applicationId: ids,
    client_id: [victim.clientId],
    contractNo: contracts.map((c) => c.contractNo),
    eventId: events.length ? events.map((e) => String(e.id)) : ['1'],
    staffId: staff.length ? staff.map((s) => String(s.id)) : ['1'],
    code: ['150100', '150000'],
    file: ['swagger-ui.css', 'init.js'],
  });
  const kind = testDatabaseKind;
  const list =
    kind === 'pg'
      ? ((await w.gw.db.raw(`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`)) as { rows: { name: string }[] }).rows
      : ((await w.gw.db.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)) as { name: string }[]);
  await installChangeLog(w.gw.db, kind, list.map((r) => r.name).filter((n) => !BOOKKEEPING.has(n)));
}, 120_000);

afterAll(async () => {
  if (stats.length) {
    const writes = stats.filter((s) => s.write);
    const lines = stats.map((s) => {
      const statuses = Object.entries(s.statuses).map(([k, n]) => `${k}×${n}`).join(' ');
      return `  ${s.operationId.padEnd(32)} ${s.write ? 'write' : 'read '} ${String(s.cases).padStart(5)} cases ${String(Math.round(s.ms)).padStart(6)} ms  ${statuses}`;
    });
    const total = stats.reduce((n, s) => n + s.ms, 0);
    const cases = stats.reduce((n, s) => n + s.cases, 0);
    const minWrite = writes.length ? Math.min(...writes.map((s) => s.cases)) : 0;
    console.log(
      `spec fuzzer (${testDatabaseKind}, FUZZ_SEED=${seed}): ${cases} cases in ${(total / 1000).toFixed(1)} s; ` +
        `at least ${minWrite} cases for each of ${writes.length} write operations\n${lines.join('\n')}`,
    );
  }
  mkdirSync(dirname(findingsFile), { recursive: true });
  writeFileSync(findingsFile, JSON.stringify({ seed, database: testDatabaseKind, findings }, null, 2) + '\n');
  if (findings.length) console.log(`spec fuzzer: ${findings.length} findings in ${findingsFile}; replay with FUZZ_SEED=${seed}`);
  await w?.close();
  await disposeFuzzDatabase?.();
});

describe(`the spec-driven fuzzer (seed ${seed})`, () => {
  const selected = operations.filter((op) => !only || only.has(op.operationId));
  // Operations that change who may call come last, so that the others run with working credentials.
  const last = new Set(['updateInstitutionStatus', 'replaceInstitutionKeys', 'signOut']);
  selected.sort((a, b) => Number(last.has(a.operationId)) - Number(last.has(b.operationId)));

  it('fuzzes every operation of the spec', () => {
    expect(selected.length).toBeGreaterThan(only ? 0 : 50);
  });

  for (const [index, op] of selected.entries()) {
    const write = op.method !== 'GET';
    const runs = write ? writeRuns : readRuns;
    it(`${op.operationId}: ${runs} cases, never a 5xx, every answer as the spec says, refusals change nothing`, async () => {
      deadline ??= performance.now() + budgetMs;
      const mine: Finding[] = [];
      const stat: OperationStat = { operationId: op.operationId, write, cases: 0, ms: 0, statuses: {} };
      stats.push(stat);
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(caseOf(op), async (c) => {
          const { status, finding } = await exercise(op, c);
          stat.cases++;
          stat.statuses[status] = (stat.statuses[status] ?? 0) + 1;
          if (finding && mine.length < 10) mine.push(finding);
        }),
        // Past the deadline an operation stops early; for a write that fails the floor below.
        { seed: seed + index, numRuns: runs, endOnFailure: true, interruptAfterTimeLimit: Math.max(1, deadline - performance.now()), markInterruptAsFailure: false },
      );
      stat.ms = performance.now() - started;
      findings.push(...mine);
      expect(mine.map((f) => `${f.status} ${f.problem} ← ${f.request.method} ${f.request.url} ${f.request.body ?? ''}`.slice(0, 500))).toEqual([]);
      if (write) expect(stat.cases, `${op.operationId} ran ${stat.cases} cases before FUZZ_BUDGET_S ran out`).toBeGreaterThanOrEqual(WRITE_FLOOR);
      else if (stat.cases < runs) console.log(`spec fuzzer: ${op.operationId} ran ${stat.cases} of ${runs} cases before FUZZ_BUDGET_S ran out`);
    }, budgetMs + 60_000);
  }
});
