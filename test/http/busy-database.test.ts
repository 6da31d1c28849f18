import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '../../src/db/knex.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { runZcd } from '../helpers/cli.js';
import { callAs, getToken, dpopHeaders, onboard } from '../helpers/auth.js';
import { testDatabaseKind } from '../helpers/db.js';
import { consentFor, financingWorld, type FinancingWorld } from '../helpers/financing.js';

// The README promises that `zcd` commands and a running gateway share one database. Each round runs five
// writing commands at once (sandbox clock, sync, seed, onboarding, webhook secret rotation) while the gateway
// serves writes of every kind (token requests and audited reads, which are group-committed on SQLite;
// applications and withdrawals; onboarding; its own sync) on the same file or server: another writer being
// there must never cost a 500 or a failed command.
const ROUNDS = 4;

let w: FinancingWorld;
let dir: string;
beforeAll(async () => {
  w = await financingWorld(200);
  dir = mkdtempSync(join(tmpdir(), 'zcd-busy-'));
}, 90_000);
afterAll(async () => {
  await w?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The `DATABASE_URL` of the database `db` is open on. */
function databaseUrlOf(db: Knex): string {
  const connection = db.client.config.connection as { filename?: string; connectionString?: string };
  return connection.connectionString ?? `sqlite:${connection.filename}`;
}

describe(`the CLI and the API writing one ${testDatabaseKind} database at once`, () => {
  it(`answers no 5xx and fails no command over ${ROUNDS} rounds`, async () => {
    const env = { DATABASE_URL: databaseUrlOf(w.gw.db), ISSUER_URL: w.gw.issuer, LOG_LEVEL: 'error' };
    const zcd = (args: string[]) => runZcd(args, env);
    const keys = await zcd(['keys', 'generate', '--alg', 'ES256', '--out', join(dir, 'bank')]);
    expect(keys.code, keys.stderr).toBe(0);
    const jwks = (JSON.parse(keys.stdout) as { jwks: string }).jwks;

    const contracts = await w.financeable(40);
    const statuses = new Map<number, number>();
    const served = (status: number, what: string, text: string) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `${what}: ${text}`).toBeLessThan(500);
    };

    let cliDone = false;
    const failures: string[] = [];
    const cli = (async () => {
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const runs = await Promise.all([
            zcd(['sandbox', 'advance', '--hours', '18']),
            zcd(['sync', '--page-size', '25']),
            zcd(['seed', '--contracts', String(200 + (round + 1) * 150)]),
            zcd([
              'institutions', 'onboard', '--name', `并发测试银行${round}`, '--uscc', withUsccCheck(`91150100MA0B${String(round).padStart(5, '0')}`),
              '--license-no', `B000${round}`, '--regions', '150100', '--jwks', jwks,
            ]),
            zcd(['webhooks', 'rotate-secret', w.bank.clientId, '--overlap-hours', '1']),
          ]);
          runs.forEach((r, i) => { if (r.code !== 0) failures.push(`round ${round}: command ${i} exit ${r.code} ${r.stderr.slice(0, 500)}`); });
        }
      } finally {
        cliDone = true;
      }
    })();

    let writes = 0;
    const api = async (lane: number) => {
      for (let i = lane; !cliDone; i += 4) {
        const c = contracts[i % contracts.length]!;
        const sme = await w.supplier(c.uscc);
        const created = await w.gw.client.post(
          '/api/v1/supplier/applications',
          { contract_no: c.contractNo, product_id: w.productId, requested_amount: 1_000_000, consent: consentFor(30) },
          { headers: sme },
        );
        served(created.status, 'createApplication', created.text);
        if (created.status === 201) {
          // A token request and an audited read: both group-committed writes on SQLite.
          const token = await getToken(w.gw, w.bank);
          const path = `/api/v1/applications/${created.body.id}/contract`;
          const read = await w.gw.client.get(path, { headers: await dpopHeaders(w.gw, w.bank, token, 'GET', path) });
          served(read.status, 'getApplicationContract', read.text);
          const withdrawn = await w.gw.client.post(`/api/v1/supplier/applications/${created.body.id}/withdraw`, {}, { headers: sme });
          served(withdrawn.status, 'withdrawApplication', withdrawn.text);
        }
        if (i % 3 === 0) await onboard(w.gw, w.bureau);
        else if (i % 3 === 1) {
          const listed = await callAs(w.gw, w.bureau, 'GET', '/api/v1/admin/institutions?limit=5');
          served(listed.status, 'listInstitutions', listed.text);
        } else await w.gw.sync.runOnce();
        writes++;
      }
    };
    await Promise.all([cli, api(0), api(1), api(2)]);

    expect(failures).toEqual([]);
    expect(writes).toBeGreaterThan(ROUNDS);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  }, 240_000);
});
