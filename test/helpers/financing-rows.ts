import { randomUUID } from 'node:crypto';
import type { Knex } from '../../src/db/knex.js';
import { nextUscc } from './auth.js';

/** Epoch ms of a wall-clock time in China Standard Time, e.g. `cst('2026-03-02 09:00')`. */
export const cst = (s: string): number => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);

/** `hours` after a CST wall-clock time, in the same notation. */
export const plusHours = (s: string, hours: number): string =>
  new Date(cst(s) + hours * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** A product row, inserted directly. */
export async function insertProduct(
  db: Knex,
  o: { institutionId: string; regions: string[]; categories?: string[]; status?: 'pending' | 'approved' | 'withdrawn'; name?: string },
): Promise<string> {
  const id = randomUUID();
  const at = cst('2026-01-01 00:00');
  await db('products').insert({
    id,
    institution_id: o.institutionId,
    name: o.name ?? '政采贷',
    max_amount_fen: 500_000_000,
    max_share_bp: 8000,
    rate_min_bp: 350,
    rate_max_bp: 600,
    term_min_days: 30,
    term_max_days: 365,
    categories: (o.categories ?? ['goods', 'services']).join(','),
    status: o.status ?? 'approved',
    created_at: at,
    updated_at: at,
  });
  await db('product_regions').insert(o.regions.map((region_code) => ({ product_id: id, region_code })));
  return id;
}

/** What happened to one application, as a test describes it; each time in CST. */
export interface ApplicationStory {
  institutionId: string;
  productId: string;
  region: string;
  sme?: boolean;
  requested: number;
  created: string;
  approved?: { at: string; amount: number };
  rejected?: { at: string; reason: string };
  disbursed?: { at: string; amount: number };
  repaid?: { at: string; amount: number }[];
  cancelled?: string;
}

/** Inserts an application with its transitions, disbursement and repayments straight into the tables. */
export async function insertApplication(db: Knex, s: ApplicationStory): Promise<{ id: string; contractNo: string; uscc: string; name: string }> {
  const id = randomUUID();
  const contractNo = `NMG-ZC-${id.slice(0, 8).toUpperCase()}`;
  const uscc = nextUscc();
  const name = `供应商${id.slice(0, 6)}有限公司`;
  const created = cst(s.created);
  const transitions: { from_status: string | null; to_status: string; reason_code: string | null; at: number }[] = [
    { from_status: null, to_status: 'submitted', reason_code: null, at: created },
  ];
  let status = 'submitted';
  const move = (to: string, at: number, reason: string | null = null) => {
    transitions.push({ from_status: status, to_status: to, reason_code: reason, at });
    status = to;
  };
  if (s.approved) move('approved', cst(s.approved.at));
  if (s.rejected) move('rejected', cst(s.rejected.at), s.rejected.reason);
  if (s.disbursed) {
    const at = cst(s.disbursed.at);
    move('account_lock_pending', at - 7_200_000);
    move('account_locked', at - 3_600_000);
    move('disbursed', at);
  }
  const repaid = (s.repaid ?? []).reduce((a, r) => a + r.amount, 0);
  for (const r of s.repaid ?? []) move('repaying', cst(r.at));
  if (s.cancelled) move('cancelled', cst(s.cancelled));
  const last = transitions.at(-1)!.at;
  await db('applications').insert({
    id,
    contract_no: contractNo,
    supplier_uscc: uscc,
    supplier_name: name,
    institution_id: s.institutionId,
    product_id: s.productId,
    purchaser_region_code: s.region,
    supplier_is_sme: s.sme ?? true,
    requested_amount_fen: s.requested,
    status,
    approved_amount_fen: s.approved?.amount ?? null,
    disbursed_fen: s.disbursed?.amount ?? 0,
    repaid_fen: repaid,
    consent_parts: 'contract,payments',
    consent_expires_at: created + 90 * 86_400_000,
    reason_code: s.rejected?.reason ?? null,
    decided_at: s.approved ? cst(s.approved.at) : s.rejected ? cst(s.rejected.at) : null,
    disbursed_at: s.disbursed ? cst(s.disbursed.at) : null,
    created_at: created,
    updated_at: last,
  });
  await db('application_transitions').insert(transitions.map((t) => ({ application_id: id, actor: 'test', ...t })));
  if (s.disbursed) {
    const at = cst(s.disbursed.at);
    await db('disbursements').insert({
      application_id: id,
      loan_no: `L-${id.slice(0, 8)}`,
      amount_fen: s.disbursed.amount,
      disbursed_on: new Date(at + 8 * 3_600_000).toISOString().slice(0, 10),
      created_at: at,
    });
  }
  for (const r of s.repaid ?? []) {
    const at = cst(r.at);
    await db('repayments').insert({
      application_id: id,
      amount_fen: r.amount,
      repaid_on: new Date(at + 8 * 3_600_000).toISOString().slice(0, 10),
      created_at: at,
      // As the financing store writes them: the application's region and institution beside the money (015).
      region_code: s.region,
      institution_id: s.institutionId,
    });
  }
  return { id, contractNo, uscc, name };
}
