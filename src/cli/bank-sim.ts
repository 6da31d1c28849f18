import { readFileSync } from 'node:fs';
import { ApiError, must, WebhookReceiver, type components, type GatewayClient, type ReceivedEvent } from '@zcd-gateway/client';
import { CliError } from './cli-support.js';

type Schemas = components['schemas'];

/** How the simulated bank decides, from a `--rules` JSON file; every field optional. */
export interface BankRules {
  /** `approve` (the default) or `reject` every application. */
  decision: 'approve' | 'reject';
  /** Largest amount it lends, in fen; a larger request is rejected `amount_exceeds_limit`. */
  max_amount: number;
  /** The rate it lends at, in basis points a year. */
  annual_rate_bp: number;
  /** The term it lends for, in days. */
  term_days: number;
  /** The reason of a `reject` decision. */
  reject_reason: Schemas['RejectionReason'];
  /** The collection account (回款账户) it asks the treasury to pay into. */
  collection_account: Schemas['CollectionAccount'];
}

/** The rules without a file: approve up to 100 万 yuan at 4.5 % for 180 days. */
export const DEFAULT_RULES: BankRules = {
  decision: 'approve',
  max_amount: 100_000_000,
  annual_rate_bp: 450,
  term_days: 180,
  reject_reason: 'credit_insufficient',
  collection_account: { bank_name: '内蒙古模拟银行呼和浩特分行', account_name: '内蒙古模拟银行政采贷回款专户', account_number: '6222020200112233445' },
};

const REASONS: readonly Schemas['RejectionReason'][] = ['credit_insufficient', 'contract_risk', 'documents_incomplete', 'amount_exceeds_limit', 'supplier_risk', 'outside_policy', 'other'];

/** Reads and checks a rules file, naming the field at fault. */
export function readRules(path: string | undefined): BankRules {
  if (path === undefined) return DEFAULT_RULES;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(`--rules: cannot read JSON rules from ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CliError(`--rules: ${path} must hold one JSON object`);
  const r = { ...DEFAULT_RULES, ...(raw as Partial<BankRules>) };
  const known = new Set(Object.keys(DEFAULT_RULES));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw new CliError(`--rules: unknown field ${unknown[0]} in ${path} (known: ${[...known].join(', ')})`);
  if (r.decision !== 'approve' && r.decision !== 'reject') throw new CliError(`--rules: decision must be "approve" or "reject", not ${JSON.stringify(r.decision)}`);
  const whole = (name: keyof BankRules, min: number, max: number) => {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new CliError(`--rules: ${name} must be a whole number from ${min} to ${max}${name === 'max_amount' ? ' (fen)' : ''}, not ${JSON.stringify(v)}`);
  };
  whole('max_amount', 1, Number.MAX_SAFE_INTEGER);
  whole('annual_rate_bp', 1, 10_000);
  whole('term_days', 1, 3660);
  if (!REASONS.includes(r.reject_reason)) throw new CliError(`--rules: reject_reason must be one of ${REASONS.join(', ')}`);
  const a = r.collection_account as Partial<Schemas['CollectionAccount']> | undefined;
  if (!a || typeof a.bank_name !== 'string' || typeof a.account_name !== 'string' || typeof a.account_number !== 'string') {
    throw new CliError('--rules: collection_account needs bank_name, account_name and account_number (strings)');
  }
  return r;
}

/** The decision the rules give for a request of `requested` fen. */
export function decide(rules: BankRules, requested: number): Schemas['Decision'] {
  if (rules.decision === 'reject') return { decision: 'reject', reason_code: rules.reject_reason, reason_text: '模拟银行按规则拒绝' };
  if (requested > rules.max_amount) return { decision: 'reject', reason_code: 'amount_exceeds_limit', reason_text: `超过模拟银行单笔上限 ${rules.max_amount} 分` };
  return { decision: 'approve', amount: requested, annual_rate_bp: rules.annual_rate_bp, term_days: rules.term_days, collection_account: rules.collection_account };
}

/** What the simulated bank did, one entry per step, in order. */
export interface BankAction {
  applicationId: string;
  action: 'read' | 'approved' | 'rejected' | 'disbursed' | 'repaid' | 'settled' | 'lock_failed' | 'failed';
  detail: string;
}

const today = () => new Date().toISOString().slice(0, 10);
const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

/**
 * A simulated bank over HTTP only, with the client package: its webhook receiver verifies every delivery;
 * on `application.submitted` it reads the consented contract, starts its review and decides by its rules;
 * on `account_lock.confirmed` it disburses; on `payment.received` it reports the repayment, and settles when
 * nothing is outstanding. The events of one application are handled one after another.
 */
export class BankSim {
  readonly receiver: WebhookReceiver;
  readonly actions: BankAction[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly o: { client: GatewayClient; secret: string; rules: BankRules; print: (line: string) => void; verify?: boolean },
  ) {
    this.receiver = new WebhookReceiver({
      secret: o.secret,
      ...(o.verify === false ? { verify: false } : {}),
      onEvent: (e) => this.enqueue(e),
    });
  }

  /** Listens at `at`, or where the gateway says this bank's webhooks go (its registered `webhook_url`). */
  async listen(at?: { host: string; port: number; path: string }): Promise<string> {
    const target = at ?? listenAddress(await this.registeredUrl());
    return this.receiver.start(target);
  }

  /** The webhook URL the gateway has for this bank. */
  async registeredUrl(): Promise<string> {
    const me = must(await this.o.client.api.GET('/api/v1/institution'), 'getCurrentInstitution');
    if (!me.webhook_url) throw new CliError(`--client-id ${me.client_id} has no webhook URL at the gateway: ask your finance bureau to set one (updateInstitution webhook_url), e.g. http://127.0.0.1:8787/webhooks`);
    return me.webhook_url;
  }

  private enqueue(e: ReceivedEvent): Promise<void> {
    const key = typeof e.data.application_id === 'string' ? e.data.application_id : e.id;
    const run = (this.queues.get(key) ?? Promise.resolve()).then(() => this.handle(e)).catch((err: unknown) => {
      const detail = err instanceof ApiError ? err.message : (err as Error).message;
      this.record({ applicationId: key, action: 'failed', detail: `${e.type}: ${detail}` });
    });
    this.queues.set(key, run);
    return run;
  }

  private record(a: BankAction): void {
    this.actions.push(a);
    this.o.print(`bank-sim  ${a.applicationId.slice(0, 8)}  ${a.action.padEnd(11)} ${a.detail}`);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Handles one verified event (exported for tests through the receiver). */
  private async handle(e: ReceivedEvent): Promise<void> {
    const api = this.o.client.api;
    const id = String(e.data.application_id ?? '');
    const path = { params: { path: { applicationId: id } } };
    switch (e.type) {
      case 'application.submitted': {
        const contract = must(await api.GET('/api/v1/applications/{applicationId}/contract', path), 'getApplicationContract');
        this.record({ applicationId: id, action: 'read', detail: `contract ${contract.contract_no}: ${yuan(contract.amount)}, unpaid ${yuan(contract.unpaid)}` });
        must(await api.POST('/api/v1/applications/{applicationId}/review', { ...path, body: {} }), 'startReview');
        const decision = decide(this.o.rules, Number(e.data.requested_amount));
        const after = must(await api.POST('/api/v1/applications/{applicationId}/decision', { ...path, body: decision }), 'decideApplication');
        this.record(
          decision.decision === 'approve'
            ? { applicationId: id, action: 'approved', detail: `${yuan(decision.amount)} at ${(decision.annual_rate_bp / 100).toFixed(2)} % for ${decision.term_days} days; ${after.status}` }
            : { applicationId: id, action: 'rejected', detail: decision.reason_code },
        );
        return;
      }
      case 'account_lock.confirmed': {
        const app = must(await api.GET('/api/v1/applications/{applicationId}', path), 'getApplication');
        if (app.status !== 'account_locked') return;
        const amount = app.approved_amount ?? app.requested_amount;
        const loanNo = `SIM-${id.slice(0, 8).toUpperCase()}`;
        must(await api.POST('/api/v1/applications/{applicationId}/disbursements', { ...path, body: { loan_no: loanNo, amount, disbursed_on: today() } }), 'createDisbursement');
        this.record({ applicationId: id, action: 'disbursed', detail: `${yuan(amount)}, loan ${loanNo}` });
        return;
      }
      case 'account_lock.failed':
        this.record({ applicationId: id, action: 'lock_failed', detail: 'the cloud refused the collection account; nothing disbursed' });
        return;
      case 'payment.received': {
        const data = e.data as { payment: Schemas['Payment']; loan_outstanding: number };
        const app = must(await api.GET('/api/v1/applications/{applicationId}', path), 'getApplication');
        if (app.outstanding_amount <= 0 || !['disbursed', 'repaying', 'overdue'].includes(app.status)) return;
        const amount = Math.min(data.payment.amount, app.outstanding_amount);
        const after = must(
          await api.POST('/api/v1/applications/{applicationId}/repayments', { ...path, body: { amount, repaid_on: today(), reference: data.payment.id } }),
          'createRepayment',
        );
        this.record({ applicationId: id, action: 'repaid', detail: `${yuan(amount)} from treasury payment ${data.payment.id}; outstanding ${yuan(after.outstanding_amount)}` });
        if (after.outstanding_amount === 0) {
          const settled = must(await api.POST('/api/v1/applications/{applicationId}/settlement', { ...path, body: { settled_on: today() } }), 'settleApplication');
          this.record({ applicationId: id, action: 'settled', detail: settled.status });
        }
        return;
      }
      default:
        return;
    }
  }

  /** Waits until the bank has taken `action` on the application, or fails after `ms` (also on a failed step). */
  async waitFor(applicationId: string, action: BankAction['action'], ms: number): Promise<BankAction> {
    const deadline = Date.now() + ms;
    for (;;) {
      const mine = this.actions.filter((a) => a.applicationId === applicationId);
      const hit = mine.find((a) => a.action === action);
      if (hit) return hit;
      const failed = mine.find((a) => a.action === 'failed');
      if (failed) throw new Error(`bank-sim: ${failed.detail}`);
      if (Date.now() > deadline) throw new Error(`bank-sim: application ${applicationId} not ${action} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Stops listening, once the steps under way are done. */
  async stop(): Promise<void> {
    await this.receiver.stop();
    await Promise.allSettled([...this.queues.values()]);
  }
}

/** Where to listen for a registered webhook URL: its port and path, on loopback unless it names another local address. */
export function listenAddress(url: string): { host: string; port: number; path: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`the registered webhook URL ${url} is not a URL`);
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  // Behind a proxy or tunnel the public URL is not ours to bind: listen on every address at its port.
  return { host: loopback ? '127.0.0.1' : '0.0.0.0', port, path: u.pathname };
}
