// TEMPORARY — delete when the sign-in branch is in main and `signIn` in harness.ts signs in for real.
// Until then the signed-in shell is tested with `getSession` answered inside the browser (the one faked
// answer), while the portal's data comes from the real gateway: its supplier calls carry a real identity
// token from the sandbox cloud. The console's statistics need a bureau token with DPoP, so they are answered
// with a fixture typed by the spec.
import knexFactory from 'knex';
import type { BrowserContext } from 'playwright-core';
import type { components } from '../../src/generated/openapi.js';
import type { Session } from '../../src/web/shared/api/session-contract.temporary.js';
import { runZcd } from '../helpers/cli.js';
import type { BrowserGateway } from './harness.js';

/** A seeded supplier of the gateway's sandbox: the one with the most contracts. */
export async function seededSupplier(gateway: BrowserGateway): Promise<{ uscc: string; name: string }> {
  const url = gateway.databaseUrl;
  const db = url.startsWith('sqlite:')
    ? knexFactory({ client: 'better-sqlite3', connection: { filename: url.slice('sqlite:'.length) }, useNullAsDefault: true })
    : knexFactory({ client: 'pg', connection: url });
  try {
    const row = (await db('contracts')
      .select('supplier_uscc', 'supplier_name')
      .count({ n: '*' })
      .groupBy('supplier_uscc', 'supplier_name')
      .orderBy([{ column: 'n', order: 'desc' }, { column: 'supplier_uscc' }])
      .first()) as { supplier_uscc: string; supplier_name: string } | undefined;
    if (!row) throw new Error('the sandbox has no contracts');
    return { uscc: row.supplier_uscc, name: row.supplier_name };
  } finally {
    await db.destroy();
  }
}

/** Makes `context` look signed in as the gateway's busiest sandbox supplier; its API calls are real. */
export async function pretendSupplierSession(context: BrowserContext, gateway: BrowserGateway): Promise<Session> {
  const supplier = await seededSupplier(gateway);
  const issued = await runZcd(['sandbox', 'supplier-token', '--uscc', supplier.uscc], {
    DATABASE_URL: gateway.databaseUrl,
    ISSUER_URL: gateway.url,
    LOG_LEVEL: 'silent',
  });
  if (issued.code !== 0) throw new Error(`zcd sandbox supplier-token failed: ${issued.stderr}`);
  const token = issued.stdout.trim();
  const session: Session = {
    kind: 'supplier',
    name: '王晓燕',
    organisation: { name: supplier.name, uscc: supplier.uscc },
    csrf_token: 'temporary-csrf-token',
    expires_at: new Date(Date.now() + 12 * 3600_000).toISOString(),
    idle_expires_at: new Date(Date.now() + 30 * 60_000).toISOString(),
  };
  await context.route('**/api/v1/session', (route) => route.fulfill({ status: 200, json: session }));
  await context.route('**/api/v1/supplier/**', (route) =>
    route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }),
  );
  return session;
}

const figures = (n: number): components['schemas']['StatisticsFigures'] => ({
  applications: 12 * n,
  sme_applications: 11 * n,
  sme_share_bp: 9167,
  applied_amount: 123_456_789 * n,
  approvals: 9 * n,
  approved_amount: 98_765_432 * n,
  rejections: 2 * n,
  rejections_by_reason: { credit_insufficient: 2 * n },
  approval_rate_bp: 8182,
  disbursements: 8 * n,
  disbursed_amount: 87_654_321 * n,
  repaid_amount: 12_345_600 * n,
  outstanding_amount: 75_308_721 * n,
  hours_to_decision: { count: 11 * n, median: 26.5, p90: 70.2 },
  hours_to_disbursement: { count: 8 * n, median: 49, p90: 96.4 },
});

/** Makes `context` look signed in as the 150000 bureau's admin, with last month's statistics answered. */
export async function pretendStaffSession(context: BrowserContext): Promise<Session> {
  const session: Session = {
    kind: 'staff',
    name: '李建国',
    organisation: { name: '内蒙古自治区财政厅', region_code: '150000', region_name: '内蒙古自治区' },
    role: 'admin',
    csrf_token: 'temporary-csrf-token',
    expires_at: new Date(Date.now() + 12 * 3600_000).toISOString(),
    idle_expires_at: new Date(Date.now() + 30 * 60_000).toISOString(),
  };
  const statistics: components['schemas']['Statistics'] = {
    region: { code: '150000', name: '内蒙古自治区', level: 'region' },
    period: { from: '2026-03-01', to: '2026-03-31', start: '2026-02-28T16:00:00Z', end: '2026-03-31T16:00:00Z' },
    total: figures(3),
    by_region: [
      { region_code: '150100', region_name: '呼和浩特市', own_level: false, ...figures(2) },
      { region_code: '150200', region_name: '包头市', own_level: false, ...figures(1) },
    ],
    by_institution: [],
  };
  await context.route('**/api/v1/session', (route) => route.fulfill({ status: 200, json: session }));
  await context.route('**/api/v1/admin/statistics**', (route) => route.fulfill({ status: 200, json: statistics }));
  return session;
}

/** Answers `getSession` with the contract's 401 (the gateway has no such operation before the sign-in branch). */
export async function pretendSignedOut(context: BrowserContext): Promise<void> {
  await context.route('**/api/v1/session', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'tag:zcd-gateway,2026:problem:unauthenticated', title: 'Unauthorized', status: 401, code: 'unauthenticated' }),
    }),
  );
}
