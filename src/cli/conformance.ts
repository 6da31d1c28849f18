import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApiError, AuthError, createGatewayClient, must, type components, type PrivateJwk } from '@zcd-gateway/client';

type Schemas = components['schemas'];

/** One line of the report: a step, passed or not, and what was seen. */
export interface ConformanceResult {
  step: string;
  ok: boolean;
  detail: string;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  gateway: string;
  clientId: string;
  key: PrivateJwk;
  /** Longest wait for a webhook to be delivered. */
  waitMs: number;
  /** Prints each result as it comes. */
  print: (line: string) => void;
}

class StepFailed extends Error {}
const fail = (detail: string): never => {
  throw new StepFailed(detail);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A browser on the sandbox: keeps cookies, follows redirects by hand (the sign-in crosses the gateway and its provider). */
class SandboxBrowser {
  private readonly jar = new Map<string, string>();
  constructor(private readonly base: string) {}

  async go(path: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { ...init.headers, cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, redirect: 'manual', ...(body ? { body } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `res` until an answer that is not one, or the gateway's sign-in callback has been answered. */
  async follow(res: Response): Promise<Response> {
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      const location = res.headers.get('location');
      if (!location) break;
      await res.body?.cancel();
      res = await this.go(new URL(location, res.url || this.base).href);
    }
    return res;
  }
}

/** Signs in at the sandbox provider as a supplier; its browser and CSRF token, or undefined when that supplier cannot. */
async function signInSupplier(gateway: string, uscc: string | undefined): Promise<{ browser: SandboxBrowser; csrf: string; usccs: string[] } | undefined> {
  const browser = new SandboxBrowser(gateway);
  const page = await browser.follow(await browser.go('/auth/login?as=supplier'));
  const uid = /\/interaction\/([^/?#]+)/.exec(page.url)?.[1];
  const html = await page.text();
  if (!uid) fail(`the gateway's supplier sign-in did not lead to the sandbox provider (is this a sandbox gateway?): ${page.status} at ${page.url}`);
  const usccs = [...html.matchAll(/name="uscc" value="([0-9A-Z]{18})"/g)].map((m) => m[1]!);
  const chosen = uscc ?? usccs[0];
  if (!chosen) fail('the sandbox provider lists no suppliers');
  const done = await browser.follow(await browser.go(`/sandbox/oidc/interaction/${uid}/login`, { form: { uscc: chosen! } }));
  await done.body?.cancel();
  const session = await browser.go('/api/v1/session');
  if (session.status !== 200) return undefined;
  const { csrf_token } = (await session.json()) as { csrf_token: string };
  return { browser, csrf: csrf_token, usccs };
}

/**
 * `zcd conformance`: a bank's self-test of its integration against a sandbox gateway, over HTTP only — token,
 * DPoP, its webhook endpoint, consented reads, a refusal, a decision, an idempotent retry and the endpoint's
 * signature checks. Each step is one line of the report; it returns whether all passed.
 */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  const gateway = o.gateway.replace(/\/+$/, '');
  const client = createGatewayClient({ gateway, credentials: { clientId: o.clientId, key: o.key } });
  const api = client.api;
  let blocked: string | undefined;
  const step = async (name: string, fn: () => Promise<string>): Promise<boolean> => {
    if (blocked) {
      results.push({ step: name, ok: false, detail: `not run: ${blocked} failed` });
    } else {
      try {
        results.push({ step: name, ok: true, detail: await fn() });
      } catch (err) {
        const detail = err instanceof StepFailed || err instanceof ApiError || err instanceof AuthError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
        results.push({ step: name, ok: false, detail });
      }
    }
    const r = results.at(-1)!;
    o.print(`${r.ok ? 'PASS' : 'FAIL'}  ${r.step.padEnd(34)} ${r.detail}`);
    return r.ok;
  };
  /** A step the later ones need: when it fails, they are listed as not run. */
  const needed = async (name: string, fn: () => Promise<string>) => {
    if (!(await step(name, fn)) && !blocked) blocked = name;
  };

  let institution: Schemas['Institution'] | undefined;
  let applicationId = '';
  let sme: { browser: SandboxBrowser; csrf: string } | undefined;

  await needed('token (private_key_jwt)', async () => {
    const token = await client.auth!.accessToken();
    if (token.type.toLowerCase() !== 'dpop') fail(`token_type ${token.type}, expected DPoP`);
    return `a DPoP-bound access token for ${o.clientId}`;
  });
  await needed('DPoP proof on every call', async () => {
    institution = must(await api.GET('/api/v1/institution'), 'getCurrentInstitution');
    const token = await client.auth!.accessToken();
    const bare = await fetch(`${gateway}/api/v1/institution`, { headers: { authorization: `Bearer ${token.value}` } });
    await bare.body?.cancel();
    if (bare.status !== 401) fail(`the token without its proof was answered ${bare.status}, not 401`);
    return `with a proof 200 (${institution.name}); the same token without one 401`;
  });
  await needed('webhook endpoint registered', async () => {
    if (!institution!.webhook_url) fail('no webhook URL at the gateway: ask your finance bureau to set one (updateInstitution)');
    if (institution!.status !== 'active') fail(`the institution is ${institution!.status}, not active`);
    return institution!.webhook_url!;
  });
  await needed('sandbox: an SME applies to you', async () => {
    const first = await signInSupplier(gateway, undefined);
    if (!first) fail('the sandbox supplier sign-in gave no session');
    for (const uscc of first!.usccs.slice(0, 25)) {
      const who = uscc === first!.usccs[0] ? first : await signInSupplier(gateway, uscc);
      if (!who) continue;
      const list = (await (await who.browser.go('/api/v1/supplier/contracts?page_size=50')).json()) as Schemas['SupplierContractPage'];
      for (const c of list.items.filter((x) => x.financeable).slice(0, 10)) {
        const offers = (await (await who.browser.go(`/api/v1/supplier/contracts/${encodeURIComponent(c.contract_no)}/offers`)).json()) as Schemas['OfferList'];
        const offer = offers.items?.find((x) => x.institution_id === o.clientId);
        if (!offer) continue;
        const res = await who.browser.go('/api/v1/supplier/applications', {
          json: {
            contract_no: c.contract_no,
            product_id: offer.product_id,
            requested_amount: Math.min(offer.max_loan, 10_000_000),
            consent: { parts: ['contract', 'acceptances', 'payments'], expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString() },
          },
          headers: { origin: gateway, 'x-csrf-token': who.csrf },
        });
        if (res.status !== 201) continue;
        applicationId = ((await res.json()) as Schemas['Application']).id;
        sme = who;
        return `supplier ${uscc} applied for contract ${c.contract_no} (application ${applicationId})`;
      }
    }
    return fail('no sandbox contract is offered your products: publish a product covering the sandbox regions and have it approved');
  });
  await step('webhook delivered and acknowledged', async () => {
    const deadline = Date.now() + o.waitMs;
    let eventId: string | undefined;
    while (Date.now() < deadline) {
      if (!eventId) {
        let after: string | undefined;
        for (let more = true; more && !eventId; ) {
          const page = must(await api.GET('/api/v1/events', { params: { query: { limit: 500, ...(after ? { after } : {}) } } }), 'listEvents');
          eventId = page.items.find((e) => e.type === 'application.submitted' && (e.data as { application_id?: string }).application_id === applicationId)?.id;
          more = page.has_more && page.items.length > 0;
          after = page.next_after;
        }
      }
      if (eventId) {
        const d = must(await api.GET('/api/v1/webhook-deliveries', { params: { query: { event_id: eventId } } }), 'listWebhookDeliveries').items[0];
        if (d?.status === 'delivered') return `application.submitted ${eventId} answered ${d.attempt_log.at(-1)?.status_code ?? '2xx'} by your endpoint`;
        if (d && d.attempts > 0 && Date.now() + 1000 > deadline) fail(`your endpoint answered ${d.attempt_log.map((a) => a.status_code ?? a.error).join(', ')} to application.submitted`);
      }
      await sleep(250);
    }
    return fail(eventId ? `application.submitted ${eventId} not acknowledged by your endpoint within ${o.waitMs} ms` : `no application.submitted event within ${o.waitMs} ms`);
  });
  const path = () => ({ params: { path: { applicationId } } });
  await needed('consented reads', async () => {
    const contract = must(await api.GET('/api/v1/applications/{applicationId}/contract', path()), 'getApplicationContract');
    const payments = must(await api.GET('/api/v1/applications/{applicationId}/payments', path()), 'listApplicationPayments');
    return `contract ${contract.contract_no} (${contract.amount} fen) and ${payments.items.length} payments, each read audited`;
  });
  await needed('decision', async () => {
    must(await api.POST('/api/v1/applications/{applicationId}/review', { ...path(), body: {} }), 'startReview');
    const app = must(await api.GET('/api/v1/applications/{applicationId}', path()), 'getApplication');
    const decided = must(
      await api.POST('/api/v1/applications/{applicationId}/decision', {
        ...path(),
        body: {
          decision: 'approve', amount: app.requested_amount, annual_rate_bp: 450, term_days: 90,
          collection_account: { bank_name: `${institution!.name}`, account_name: `${institution!.name}政采贷回款专户`, account_number: '6222020200112233445' },
        },
        headers: { 'idempotency-key': `conformance-${applicationId}` },
      }),
      'decideApplication',
    );
    return `approved ${decided.approved_amount} fen; ${decided.status}`;
  });
  await step('idempotent retry', async () => {
    const app = must(await api.GET('/api/v1/applications/{applicationId}', path()), 'getApplication');
    const again = await api.POST('/api/v1/applications/{applicationId}/decision', {
      ...path(),
      body: { decision: 'approve', amount: app.requested_amount, annual_rate_bp: 450, term_days: 90, collection_account: app.collection_account! },
      headers: { 'idempotency-key': `conformance-${applicationId}` },
    });
    const replayed = must(again, 'decideApplication (same Idempotency-Key)');
    const after = must(await api.GET('/api/v1/applications/{applicationId}', path()), 'getApplication');
    const approvals = after.history.filter((h) => h.to === 'approved').length;
    if (approvals !== 1) fail(`${approvals} approvals in the history after a retry with the same key`);
    if (replayed.approved_amount !== app.approved_amount) fail('the retry answered a different approval');
    const fresh = await api.POST('/api/v1/applications/{applicationId}/decision', { ...path(), body: { decision: 'reject', reason_code: 'other' }, headers: { 'idempotency-key': randomUUID() } });
    if (fresh.response.ok) fail('a second decision with a new key was accepted');
    return `same key → the first answer (${replayed.status}), one approval; a new decision → ${fresh.response.status}`;
  });
  await step('refusal without consent', async () => {
    const revoked = await sme!.browser.go(`/api/v1/supplier/applications/${applicationId}/consent/revoke`, { json: {}, headers: { origin: gateway, 'x-csrf-token': sme!.csrf } });
    if (revoked.status !== 200) fail(`the sandbox SME could not revoke its consent: ${revoked.status}`);
    const read = await api.GET('/api/v1/applications/{applicationId}/contract', path());
    if (read.response.ok) fail('the contract was read after the SME revoked its consent');
    return `consent revoked → ${read.response.status} ${String((read.error as { code?: string } | undefined)?.code ?? '')}`;
  });
  await step('webhook signature checks', async () => {
    const url = institution!.webhook_url!;
    const body = JSON.stringify({ id: randomUUID(), type: 'application.withdrawn', timestamp: new Date().toISOString(), data: { application_id: randomUUID(), contract_no: 'CONFORMANCE-FORGED' } });
    const forger = new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`);
    const id = `msg_conformance_${randomUUID()}`;
    const now = new Date();
    const tries: [string, Record<string, string>][] = [
      ['forged signature', { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': forger.sign(id, now, body) }],
      ['no signature', { 'webhook-id': `${id}-2`, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) }],
    ];
    const answers: string[] = [];
    for (const [what, headers] of tries) {
      let status: number;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, redirect: 'manual' });
        await res.body?.cancel();
        status = res.status;
      } catch (err) {
        return fail(`cannot reach your endpoint ${url}: ${(err as Error).message}`);
      }
      if (status >= 200 && status < 300) fail(`your endpoint accepted a delivery with a ${what} (${status}): verify every webhook with your secret`);
      answers.push(`${what} → ${status}`);
    }
    return answers.join(', ');
  });
  // Leave the sandbox as it was: the test contract is not held by the test application.
  if (applicationId && !blocked) {
    await api.POST('/api/v1/applications/{applicationId}/cancel', { ...path(), body: { reason_code: 'other', reason_text: 'zcd conformance finished' } }).catch(() => undefined);
  }
  return results;
}
