// The SME story through the portal's pages against a real `zcd serve` on the sandbox cloud: sign in at the
// sandbox provider, compare two banks' offers (rate, amount, term, fee, promised days, requirements), refuse bad
// amounts, apply with consent to two parts (a double click makes one application), the bank decides, locks,
// disburses over the API with the stock openid-client library, the treasury pays into the locked account, the
// access log shows the bank's read verified against the signed tree head, the bank reports repayment and settles
// and the timeline shows every step, revoking consent refuses the bank's next read — and another SME's contract
// stays out of reach. At 375 px and at 1280 px.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, type Knex } from '../../src/db/knex.js';
import type { components } from '../../src/generated/openapi.js';
import { bankWithProduct, busyRetry, must, regionBureau, type Call } from './bank-kit.js';
import { expectAccessible, expectFocusedInView, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway } from './harness.js';

type Application = components['schemas']['Application'];

/** Integer fen as the yuan text a person types: 123456 → "1234.56". */
const yuanText = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

let gateway: BrowserGateway;
let browser: Browser;
let db: Knex;
let sandbox: SandboxCloud;
const banks: { name: string; call: Call }[] = [];

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '300' }), launchBrowser()]);
  const url = gateway.databaseUrl;
  db = createDb(url.startsWith('sqlite:') ? { client: 'sqlite', filename: url.slice('sqlite:'.length) } : { client: 'pg', connectionString: url });
  sandbox = new SandboxCloud(db);
  // The 150000 bureau exists (the sandbox provider's demo bureaus); the operator gives it one more key.
  const bureau = await regionBureau(gateway, db);
  // Two banks, each with an approved product for the whole region: two offers to compare.
  for (const [i, name] of ['内蒙古甲银行呼和浩特分行', '内蒙古乙银行呼和浩特分行'].entries()) {
    const { call } = await bankWithProduct(gateway, bureau, i, name, {
      name: i === 0 ? '政采贷·快贷' : '政采贷·长贷', max_amount: 1_000_000_000, max_share_bp: i === 0 ? 8000 : 6000, rate_min_bp: i === 0 ? 380 : 320, rate_max_bp: 900,
      term_min_days: 30, term_max_days: i === 0 ? 180 : 365,
      // 甲 decides fast and charges a small fee; 乙 promises nothing and charges none.
      ...(i === 0 ? { fee_bp: 50, decide_days: 2, disburse_days: 3, requirements: '近两年无不良信用记录' } : {}),
    });
    banks.push({ name, call });
  }
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await browser?.close();
  await gateway?.stop();
});

/** An unfinanced contract of a supplier without risk flags, with the acceptance and payments still to come. */
async function pickContract(notOf: string[]): Promise<{ contract_no: string; supplier_uscc: string }> {
  const rows = (await db('contracts as c')
    .where('c.status', 'active')
    .whereNotIn('c.supplier_uscc', notOf)
    .whereNotExists(db('applications as a').whereRaw('a.contract_no = c.contract_no'))
    .whereNotExists(db('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc'))
    .whereNotExists(db('sandbox_account_behaviour as b').whereRaw('b.contract_no = c.contract_no'))
    .whereNotExists(db('payments as p').whereRaw('p.contract_no = c.contract_no'))
    .where('c.amount_fen', '>=', 2_000_000)
    .orderBy('c.contract_no')
    .limit(200)
    .select('c.contract_no', 'c.supplier_uscc')) as { contract_no: string; supplier_uscc: string }[];
  for (const r of rows) {
    if ((await sandbox.pendingFor(r.contract_no)).count >= 2) {
      await busyRetry(() => sandbox.configureAccountChange(r.contract_no, 'confirm'));
      return r;
    }
  }
  throw new Error('no contract left in the sandbox for the portal test');
}

const used: string[] = [];

describe.each(WIDTHS)('the SME portal at %i px', (width) => {
  it('takes a supplier from a won contract to money in the locked account, and back out of the bank’s reach', async () => {
    const mine = await pickContract(used);
    used.push(mine.supplier_uscc);
    const other = await pickContract(used);
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'supplier', uscc: mine.supplier_uscc });

    // 我的合同: search narrows to the contract; its link opens it.
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    await page.getByRole('searchbox', { name: '搜索合同号、项目号或采购人' }).fill('no-such-contract-zzz');
    await page.getByText('没有与“no-such-contract-zzz”匹配的合同。').waitFor();
    await page.getByRole('searchbox', { name: '搜索合同号、项目号或采购人' }).fill(mine.contract_no);
    await screenshot(tp, 'portal-home');
    await page.getByRole('link', { name: `查看合同 ${mine.contract_no}` }).first().click();

    // The contract and the offers of both banks, side by side.
    await page.getByRole('heading', { level: 1, name: '合同详情' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '比较融资产品' }).waitFor();
    const offers = page.getByRole('table', { name: '比较融资产品' });
    for (const b of banks) await offers.getByText(b.name).waitFor();
    await page.getByText('利率从低到高').click();
    expect(await page.getByRole('radio', { name: '利率从低到高' }).isChecked()).toBe(true);
    await expect.poll(async () => (await offers.getByRole('row').allTextContents()).slice(1).map((t) => (t.includes('乙') ? '乙' : '甲'))).toEqual(['乙', '甲']);
    // Fees, promised days and requirements side by side; the fastest decision first.
    const rowOf = (bank: string) => offers.getByRole('row').filter({ hasText: bank });
    await rowOf(banks[0]!.name).getByText('贷款金额的 0.50%').first().waitFor();
    await rowOf(banks[0]!.name).getByText('2 个工作日').first().waitFor();
    await rowOf(banks[0]!.name).getByText('近两年无不良信用记录').first().waitFor();
    await rowOf(banks[1]!.name).getByText('未承诺').first().waitFor();
    await page.getByText('审批最快').click();
    await expect.poll(async () => (await offers.getByRole('row').allTextContents()).slice(1).map((t) => (t.includes('乙') ? '乙' : '甲'))).toEqual(['甲', '乙']);
    await page.getByText('手续费从低到高').click();
    await expect.poll(async () => (await offers.getByRole('row').allTextContents()).slice(1).map((t) => (t.includes('乙') ? '乙' : '甲'))).toEqual(['乙', '甲']);
    await expectAccessible(page, `contract page at ${width} px`);
    await screenshot(tp, 'portal-contract-offers');
    const offersAnswer = await tp.context.request.get(`/api/v1/supplier/contracts/${encodeURIComponent(mine.contract_no)}/offers`);
    const offerList = (await offersAnswer.json()) as components['schemas']['OfferList'];
    const offer = offerList.items.find((o) => o.institution_name === banks[0]!.name)!;
    await page.getByRole('button', { name: `申请 ${banks[0]!.name} ${offer.product_name}` }).click();
    // The form opens below the offers: it comes into view with the focus on its heading, or the press would seem to do nothing.
    await expectFocusedInView(page, page.getByRole('heading', { level: 2, name: `申请融资：${offer.product_name}（${banks[0]!.name}）` }), 'the application form');

    // Bad amounts are refused in the page, each with a clear message, and nothing is sent.
    const amount = page.getByLabel('申请金额（元）');
    const next = page.getByRole('button', { name: '下一步：数据授权' });
    const cases: [string, RegExp][] = [
      [yuanText(offer.max_loan + 1), /金额超过了可申请的上限/],
      ['0', /金额必须大于 0/],
      ['abc', /金额只能包含数字和小数点/],
      ['1e309', /金额只能包含数字和小数点/],
      ['100.123', /最多保留两位小数/],
      ['１２３', /请使用半角数字/],
    ];
    for (const [typed, message] of cases) {
      await amount.fill(typed);
      await next.click();
      await page.getByRole('alert').filter({ hasText: message }).waitFor();
      expect(await amount.getAttribute('aria-invalid')).toBe('true');
    }
    // …and the API refuses them too.
    const apiRefuses = async (requested: unknown) =>
      (
        await tp.context.request.post('/api/v1/supplier/applications', {
          headers: {
            Origin: gateway.url,
            'X-CSRF-Token': ((await (await tp.context.request.get('/api/v1/session')).json()) as { csrf_token: string }).csrf_token,
            'Idempotency-Key': randomBytes(8).toString('hex'),
          },
          data: { contract_no: mine.contract_no, product_id: offer.product_id, requested_amount: requested, consent: { parts: ['contract'], expires_at: new Date(Date.now() + 86_400_000).toISOString() } },
        })
      ).status();
    // Refused as bad input (400, or 422 above the maximum), not for a missing token.
    for (const bad of [offer.max_loan + 1, 0, 'abc', 1.5, '１２３']) expect([400, 422], String(bad)).toContain(await apiRefuses(bad));

    // A good amount in yuan becomes exact fen; the consent screen says who sees what until when.
    const requested = Math.min(offer.max_loan, 12_345_678);
    await amount.fill(yuanText(requested));
    await next.click();
    await page.getByRole('heading', { level: 2, name: '授权银行查看您的数据' }).waitFor();
    await page.getByText(new RegExp(`${banks[0]!.name} 可以在 .* 之前查看此合同的以下数据`)).waitFor();
    const parts = page.getByRole('group', { name: '银行可查看的数据' });
    expect(await parts.getByRole('checkbox', { name: /合同信息/ }).isChecked()).toBe(true);
    expect(await parts.getByRole('checkbox', { name: '国库支付记录' }).isChecked()).toBe(true);
    expect(await parts.getByRole('checkbox', { name: '验收记录' }).isChecked()).toBe(false);
    await expectAccessible(page, `consent screen at ${width} px`);
    await screenshot(tp, 'portal-consent');
    // A double click on confirm makes one application.
    await page.getByRole('button', { name: '确认授权并提交申请' }).dblclick();
    await page.getByText('申请已提交。').waitFor();
    const listed = (await (await tp.context.request.get('/api/v1/supplier/applications')).json()) as { items: Application[] };
    const mineApps = listed.items.filter((a) => a.contract_no === mine.contract_no);
    expect(mineApps).toHaveLength(1);
    expect(mineApps[0]).toMatchObject({ requested_amount: requested, status: 'submitted', consent: { parts: ['contract', 'payments'], live: true } });
    const appId = mineApps[0]!.id;

    // Applying again with the same product is refused, and the page says why in Chinese, not in the API's English.
    await page.reload();
    await page.getByRole('button', { name: `申请 ${banks[0]!.name} ${offer.product_name}` }).click();
    await amount.fill(yuanText(requested));
    await next.click();
    await page.getByRole('button', { name: '确认授权并提交申请' }).click();
    await page.getByRole('alert').filter({ hasText: '申请未能提交：这份合同已有一笔用同一产品提交、尚未审结的申请，请到“我的申请”查看。' }).waitFor();
    expect(((await (await tp.context.request.get('/api/v1/supplier/applications')).json()) as { items: Application[] }).items.filter((a) => a.contract_no === mine.contract_no)).toHaveLength(1);
    await page.getByRole('button', { name: '返回修改' }).click();
    await page.getByRole('button', { name: /^取\s?消$/ }).click();

    // The bank reads, reviews, approves; the cloud locks the account; the bank disburses.
    const bank = banks[0]!.call;
    must(await bank('GET', `/api/v1/applications/${appId}/contract`), 200, 'getApplicationContract');
    must(await bank('POST', `/api/v1/applications/${appId}/review`, {}), 200, 'reviewApplication');
    must(
      await bank('POST', `/api/v1/applications/${appId}/decision`, {
        decision: 'approve', amount: requested, annual_rate_bp: 450, term_days: 120,
        collection_account: { bank_name: banks[0]!.name, account_name: '政采贷回款专户', account_number: '6222020200112233445' },
      }),
      200,
      'decideApplication',
    );
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
    await page.getByRole('heading', { level: 1, name: '我的申请' }).waitFor();
    const card = page.getByRole('article', { name: `${banks[0]!.name} · 合同 ${mine.contract_no}` });
    const statusNow = async () => ((await (await tp.context.request.get('/api/v1/supplier/applications')).json()) as { items: Application[] }).items.find((a) => a.id === appId)!.status;
    await expect.poll(statusNow, { timeout: 20_000 }).toBe('account_locked');
    await page.reload();
    await card.getByText('回款账户已锁定').first().waitFor();
    await card.getByText('6222020200112233445', { exact: false }).waitFor();
    await card.getByText('回款账户（已锁定）', { exact: true }).waitFor();
    must(await bank('POST', `/api/v1/applications/${appId}/disbursements`, { loan_no: `ZCD-P-${appId.slice(0, 8)}`, amount: requested, disbursed_on: new Date().toISOString().slice(0, 10) }), 200, 'recordDisbursement');
    await page.reload();
    await card.getByText('已放款').first().waitFor();
    await card.getByText('4.50%', { exact: true }).waitFor();

    // The cloud's clock moves until the treasury pays into the locked account; the gateway's sync brings it in.
    const paidNow = async () => {
      const all = (await (await tp.context.request.get('/api/v1/supplier/contracts?page_size=500')).json()) as { items: components['schemas']['SupplierContract'][] };
      return all.items.find((c) => c.contract_no === mine.contract_no)!.paid;
    };
    expect(await paidNow()).toBe(0);
    for (let i = 0; i < 10; i++) {
      const due = (await sandbox.pendingFor(mine.contract_no)).nextDue;
      if (due === undefined) break;
      await busyRetry(async () => sandbox.advanceClock(Math.max(0, due - (await sandbox.clock()))));
      await new Promise((r) => setTimeout(r, 700));
      if ((await paidNow()) > 0) break;
    }
    await expect.poll(paidNow, { timeout: 30_000 }).toBeGreaterThan(0);
    const paid = await paidNow();
    await page.goto(`/portal/contracts/${encodeURIComponent(mine.contract_no)}`);
    await page.getByText(`¥${yuanText(paid).replace(/\B(?=(\d{3})+(?!\d))(?=.*\.)/g, ',')}`).first().waitFor();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
    await card.getByText('已放款').first().waitFor();
    await expectAccessible(page, `applications at ${width} px`);
    await screenshot(tp, 'portal-applications');

    // Notifications: the header counts what is unread; the page lists it; marking read clears the count.
    const bell = page.getByRole('banner').getByRole('link', { name: /^通知（\d+ 条未读）$/ });
    await bell.waitFor();
    await bell.click();
    await page.getByRole('heading', { level: 1, name: '通知' }).waitFor();
    await page.getByText('银行已放款').first().waitFor();
    await page.getByText('回款账户已锁定').first().waitFor();
    // A treasury payment is dated when the SME was told, and says when the treasury paid.
    await page.getByText(/国库付款于 \d{4}年/).first().waitFor();
    await expectAccessible(page, `notifications at ${width} px`);
    await screenshot(tp, 'portal-notifications');
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await page.getByRole('banner').getByRole('link', { name: '通知', exact: true }).waitFor();
    // Each notification leads to its contract.
    await page.getByRole('link', { name: `合同 ${mine.contract_no}` }).first().click();
    await page.getByRole('heading', { level: 1, name: '合同详情' }).waitFor();

    // Who read my data: the bank's read of the contract, its inclusion in the audit log checked in the page.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '数据查询记录' }).click();
    await page.getByRole('heading', { level: 1, name: '数据查询记录' }).waitFor();
    const readRow = page.getByRole('table').getByRole('row').filter({ hasText: banks[0]!.name }).first();
    await readRow.waitFor();
    await readRow.getByText('已验证').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('table').getByText('验证失败').count()).toBe(0);
    await expectAccessible(page, `access log at ${width} px`);
    await screenshot(tp, 'portal-data-access');

    // The bank reports the repayment and settles; the SME's timeline shows every step with its time.
    must(await bank('POST', `/api/v1/applications/${appId}/repayments`, { amount: requested, repaid_on: new Date().toISOString().slice(0, 10) }), 200, 'createRepayment');
    must(await bank('POST', `/api/v1/applications/${appId}/settlement`, { settled_on: new Date().toISOString().slice(0, 10) }), 200, 'settleApplication');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
    const timeline = card.getByRole('list', { name: '全部进度' });
    await timeline.getByText('已结清').waitFor();
    // Settled: the account is no longer said to be locked; the release is asked for, or already confirmed.
    await card.getByText(/^回款账户（(解除锁定中|已解除锁定)）$/).waitFor();
    expect(await card.getByText('回款账户（已锁定）', { exact: true }).count()).toBe(0);
    // The account number reads whole, on one line, however long its label.
    const accountNumber = await card.getByText('6222020200112233445', { exact: true }).boundingBox();
    expect(accountNumber!.height).toBeLessThan(30);
    const steps = (await timeline.getByRole('listitem').allTextContents()).map((t) => t.replace(/^.*?\d{2}:\d{2}\s*/, ''));
    const expected = ['已提交', '授权银行查看数据', '审核中', '银行已批准', '已申请锁定回款账户', '回款账户锁定已确认', '已放款', '银行放款', '国库付款', '还款中', '还款 ¥', '已结清'];
    const order = expected.map((e) => steps.findIndex((s) => s.startsWith(e)));
    expect(order.every((i) => i >= 0), steps.join(' | ')).toBe(true);
    expect(order.filter((i) => i >= 0).sort((a, b) => a - b), steps.join(' | ')).toEqual(order);
    await timeline.getByText(`还款 ${'¥'}`).first().waitFor();
    await expectAccessible(page, `settled application at ${width} px`);
    await screenshot(tp, 'portal-timeline');

    // Revoke consent: the bank's next read is refused.
    await card.getByRole('button', { name: '撤销数据授权' }).click();
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await card.getByText(/已于 .* 撤销/).waitFor();
    expect((await bank('GET', `/api/v1/applications/${appId}/contract`)).status).toBeGreaterThanOrEqual(400);
    // Settled already: nothing for the bank to decide, so no advice to apply again.
    expect(await card.getByText(/可能因此无法审核/).count()).toBe(0);

    // Another SME's contract, by editing the URL: not found, no offers, nothing of theirs in my lists.
    await page.goto(`/portal/contracts/${encodeURIComponent(other.contract_no)}`);
    await page.getByText('没有找到这份合同，或它不属于您的企业。').waitFor();
    expect((await tp.context.request.get(`/api/v1/supplier/contracts/${encodeURIComponent(other.contract_no)}/offers`)).status()).toBe(404);
    const apps = (await (await tp.context.request.get('/api/v1/supplier/applications')).json()) as { items: Application[] };
    expect(apps.items.every((a) => a.supplier_uscc === mine.supplier_uscc)).toBe(true);
    await screenshot(tp, 'portal-not-mine');
    expectNoProblems(tp, [/status of 40[349]/]);
    await tp.context.close();
  }, 180_000);
});
