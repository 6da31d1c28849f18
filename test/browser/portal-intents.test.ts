// The open financing intent (公开融资意向) through the portal's pages against a real `zcd serve`: bad input is refused
// at its field (and by the API); the SME publishes, withdraws, publishes again; a bank quotes over the API with
// the stock openid-client library and sets a credit line; the SME sees the quote beside the product offers and
// the line, accepts it with consent — and an application to that bank exists. Another SME sees none of it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Knex } from '../../src/db/knex.js';
import type { components } from '../../src/generated/openapi.js';
import { bankWithProduct, must, regionBureau, type Call } from './bank-kit.js';
import { expectAccessible, expectFocusedInView, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway } from './harness.js';

type Intent = components['schemas']['SupplierIntent'];
type Application = components['schemas']['Application'];

let gateway: BrowserGateway;
let browser: Browser;
let db: Knex;
const banks: { name: string; call: Call; productId: string }[] = [];

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
  const url = gateway.databaseUrl;
  db = createDb(url.startsWith('sqlite:') ? { client: 'sqlite', filename: url.slice('sqlite:'.length) } : { client: 'pg', connectionString: url });
  const bureau = await regionBureau(gateway, db);
  for (const [i, name] of ['内蒙古丙银行呼和浩特分行', '内蒙古丁银行呼和浩特分行'].entries()) {
    banks.push(
      await bankWithProduct(gateway, bureau, i, name, {
        name: i === 0 ? '政采贷·竞价' : '政采贷·标准', max_amount: 1_000_000_000, max_share_bp: 8000, rate_min_bp: 300, rate_max_bp: 900, term_min_days: 30, term_max_days: 365,
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await browser?.close();
  await gateway?.stop();
});

/** Active contracts of suppliers without risk flags, never applied for, with at least 20 000 yuan unpaid; one per supplier. */
async function contractsOfDistinctSuppliers(notOf: string[]): Promise<{ contract_no: string; supplier_uscc: string; unpaid: number }[]> {
  const rows = (await db('contracts as c')
    .where('c.status', 'active')
    .whereNotIn('c.supplier_uscc', notOf)
    .whereNotExists(db('applications as a').whereRaw('a.contract_no = c.contract_no'))
    .whereNotExists(db('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc'))
    .whereNotExists(db('payments as p').whereRaw('p.contract_no = c.contract_no'))
    .where('c.amount_fen', '>=', 2_000_000)
    .orderBy('c.contract_no')
    .select('c.contract_no', 'c.supplier_uscc', 'c.amount_fen')) as { contract_no: string; supplier_uscc: string; amount_fen: number | string }[];
  const seen = new Set<string>();
  return rows.flatMap((r) => (seen.has(r.supplier_uscc) ? [] : (seen.add(r.supplier_uscc), [{ contract_no: r.contract_no, supplier_uscc: r.supplier_uscc, unpaid: Number(r.amount_fen) }])));
}

const yuanText = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const used: string[] = [];

describe.each(WIDTHS)('the open financing intent at %i px', (width) => {
  it('publishes a need, shows a bank’s quote beside the offers and credit lines, and accepts it into an application', async () => {
    const [mine, other] = await contractsOfDistinctSuppliers(used);
    used.push(mine!.supplier_uscc, other!.supplier_uscc);
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'supplier', uscc: mine!.supplier_uscc });
    await page.goto(`/portal/contracts/${encodeURIComponent(mine!.contract_no)}`);
    await page.getByRole('heading', { level: 2, name: '公开融资意向' }).waitFor();

    // Bad input: each refused with its message at the field, and nothing published.
    const amount = page.getByLabel('融资金额（元）');
    const term = page.getByLabel('期限（天）');
    const publish = page.getByRole('button', { name: '发布融资意向' });
    for (const [typed, message] of [
      ['abc', /金额只能包含数字和小数点/],
      ['0', /金额必须大于 0/],
      [yuanText(mine!.unpaid + 1), /金额超过了可申请的上限/],
      ['１２３', /请使用半角数字/],
    ] as const) {
      await amount.fill(typed);
      await publish.click();
      await page.getByRole('alert').filter({ hasText: message }).waitFor();
      expect(await amount.getAttribute('aria-invalid')).toBe('true');
    }
    await amount.fill('50000');
    await term.fill('0');
    await publish.click();
    await page.getByText('请输入 1 到 3650 之间的整数天数。').first().waitFor();
    expect(await term.getAttribute('aria-invalid')).toBe('true');
    const csrf = ((await (await tp.context.request.get('/api/v1/session')).json()) as { csrf_token: string }).csrf_token;
    const apiPublish = (body: Record<string, unknown>) =>
      tp.context.request.post('/api/v1/supplier/intents', { headers: { Origin: gateway.url, 'X-CSRF-Token': csrf, 'Idempotency-Key': crypto.randomUUID() }, data: { contract_no: mine!.contract_no, term_days: 90, visible_fields: [], ...body } });
    // Refused as bad input (400, or 422 for more than the unpaid balance), not for a missing token.
    for (const bad of [0, 1.5, 'abc', mine!.unpaid + 1]) expect([400, 422], String(bad)).toContain((await apiPublish({ amount: bad })).status());
    expect([400, 422]).toContain((await apiPublish({ amount: 100_000, term_days: 0 })).status());
    const mineNow = async () => ((await (await tp.context.request.get('/api/v1/supplier/intents')).json()) as { items: Intent[] }).items.filter((i) => i.contract_no === mine!.contract_no);
    expect(await mineNow()).toEqual([]);

    // Publish, withdraw, publish again.
    await term.fill('120');
    await publish.click();
    await page.getByText(/融资意向已发布：¥50,000\.00，120 天/).waitFor();
    await page.getByRole('button', { name: '撤回融资意向' }).click();
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await publish.waitFor();
    expect((await mineNow()).map((i) => i.status)).toEqual(['withdrawn']);
    await amount.fill('80000.50');
    await term.fill('90');
    await page.getByRole('group', { name: '银行在授权前可以看到的摘要' }).getByRole('checkbox', { name: '验收状态' }).check();
    await publish.click();
    await page.getByText(/融资意向已发布：¥80,000\.50，90 天/).waitFor();
    const intent = (await mineNow()).find((i) => i.status === 'open')!;
    expect(intent).toMatchObject({ amount: 8_000_050, term_days: 90 });
    expect([...intent.visible_fields].sort()).toEqual(['acceptance_status', 'contract_amount_band', 'purchaser_region']);

    // A bank sees the intent and quotes; it also sets a credit line for this supplier.
    const [bank, otherBank] = banks as [(typeof banks)[0], (typeof banks)[0]];
    const seen = must(await bank.call('GET', `/api/v1/intents/${intent.id}`), 200, 'getFinancingIntent');
    expect(seen).not.toHaveProperty('contract_no');
    must(
      await bank.call('POST', `/api/v1/intents/${intent.id}/quotes`, {
        product_id: bank.productId, amount: 8_000_050, annual_rate_bp: 385, term_days: 90, fees: 0, conditions: '需提供增值税发票', valid_until: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      }),
      201,
      'createQuote',
    );
    must(
      await otherBank.call('POST', '/api/v1/credit-lines', { supplier_uscc: mine!.supplier_uscc, amount: 50_000_000, annual_rate_bp: 420, valid_until: new Date(Date.now() + 90 * 86_400_000).toISOString() }),
      201,
      'createCreditLine',
    );

    // The SME sees the quote (the page asks again every few seconds) beside both banks' offers and the line.
    const quotes = page.getByRole('table', { name: '银行报价' });
    await quotes.getByText(bank.name).waitFor({ timeout: 15_000 });
    await quotes.getByText('3.85%').waitFor();
    await quotes.getByText('需提供增值税发票').waitFor();
    const offers = page.getByRole('table', { name: '比较融资产品' });
    for (const b of banks) await offers.getByText(b.name).first().waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 2, name: '我的预授信额度' }).waitFor();
    await page.getByText(new RegExp(`${otherBank.name}：可用 ¥500,000\\.00`)).waitFor();
    await quotes.getByText(bank.name).waitFor({ timeout: 15_000 });
    // Every term of the quote is on screen before the SME accepts it, on a phone too, and nothing runs off it.
    await quotes.getByText(/90\s*天/).first().waitFor();
    await quotes.getByText(/\d{4}年\d{1,2}月\d{1,2}日/).first().waitFor();
    await quotes.getByRole('button', { name: `接受 ${bank.name} 的报价` }).waitFor();
    await page.getByText(/^银行可见：.*验收状态/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await expectAccessible(page, `intent with quotes at ${width} px`);
    await screenshot(tp, 'portal-intent-quotes');

    // The SME who looks away is told: the header counts the quote, the notification names its amount and
    // leads back to the contract, where it can be accepted.
    const bell = page.getByRole('banner').getByRole('link', { name: /^通知（\d+ 条未读）$/ });
    await bell.click();
    await page.getByRole('heading', { level: 1, name: '通知' }).waitFor();
    const told = page.getByRole('listitem').filter({ hasText: '银行对您的融资意向报价' });
    await told.getByText('¥80,000.50').waitFor();
    await told.getByRole('link', { name: new RegExp(mine!.contract_no) }).click();
    await quotes.getByRole('button', { name: `接受 ${bank.name} 的报价` }).waitFor({ timeout: 15_000 });

    // Another SME: no intent, no quotes, by the API or by the page.
    const them = await newPage(browser, gateway, width);
    await signIn(them.page, { as: 'supplier', uscc: other!.supplier_uscc });
    expect((await them.context.request.get(`/api/v1/supplier/intents/${intent.id}/quotes`)).status()).toBe(404);
    const theirs = (await (await them.context.request.get('/api/v1/supplier/intents')).json()) as { items: Intent[] };
    expect(theirs.items.some((i) => i.id === intent.id)).toBe(false);
    const theirCsrf = ((await (await them.context.request.get('/api/v1/session')).json()) as { csrf_token: string }).csrf_token;
    expect(
      (await them.context.request.post(`/api/v1/supplier/intents/${intent.id}/withdraw`, { headers: { Origin: gateway.url, 'X-CSRF-Token': theirCsrf, 'Idempotency-Key': crypto.randomUUID() } })).status(),
    ).toBe(404);
    await them.page.goto(`/portal/contracts/${encodeURIComponent(mine!.contract_no)}`);
    await them.page.getByText('没有找到这份合同，或它不属于您的企业。').waitFor();
    await them.context.close();

    // Accept with consent: one application to the quoting bank, for the quoted amount.
    await page.getByRole('button', { name: `接受 ${bank.name} 的报价` }).click();
    await expectFocusedInView(page, page.getByRole('heading', { level: 3, name: `接受报价并授权 ${bank.name}` }), 'the consent screen');
    const parts = page.getByRole('group', { name: '银行可查看的数据' });
    expect(await parts.getByRole('checkbox', { name: '国库支付记录' }).isChecked()).toBe(true);
    // Read as a person reads it: the pointer no longer resting on the button just pressed (its hover shade).
    await page.mouse.move(0, 0);
    await expectAccessible(page, `accepting a quote at ${width} px`);
    await page.getByRole('button', { name: '确认授权并提交申请' }).dblclick();
    await page.getByText('您已接受报价，融资申请已生成。').first().waitFor();
    // The panel says so at once: the intent no longer takes quotes and can no longer be withdrawn.
    await expect.poll(() => page.getByRole('button', { name: '撤回融资意向' }).count()).toBe(0);
    const apps = ((await (await tp.context.request.get('/api/v1/supplier/applications')).json()) as { items: Application[] }).items.filter((a) => a.contract_no === mine!.contract_no);
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ institution_name: bank.name, requested_amount: 8_000_050, intent_id: intent.id, status: 'submitted', consent: { live: true, parts: ['contract', 'payments'] } });
    expect((await mineNow()).find((i) => i.id === intent.id)).toMatchObject({ status: 'accepted', application_id: apps[0]!.id });
    // The bank reads the contract under the consent just given.
    must(await bank.call('GET', `/api/v1/applications/${apps[0]!.id}/contract`), 200, 'getApplicationContract');
    await page.getByRole('link', { name: '查看我的申请' }).first().click();
    const card = page.getByRole('article', { name: `${bank.name} · 合同 ${mine!.contract_no}` });
    await card.waitFor();
    await screenshot(tp, 'portal-intent-accepted');
    // Revoked before the bank decided: the card says what that means and what the SME can do instead.
    expect(await card.getByText(/可能因此无法审核/).count()).toBe(0);
    await card.getByRole('button', { name: '撤销数据授权' }).click();
    await page.getByRole('button', { name: /^确\s*定$/ }).click();
    await card.getByText(/已于 .* 撤销/).waitFor();
    await card.getByText('银行已不能再查看这份合同的数据，可能因此无法审核。如仍需融资，请撤回本申请，再重新申请并授权。').waitFor();
    await card.getByRole('button', { name: '撤回申请' }).waitFor();
    await expectAccessible(page, `consent revoked before the decision at ${width} px`);
    await screenshot(tp, 'portal-consent-revoked-undecided');
    expectNoProblems(tp, [/status of 40[34]/]);
    await tp.context.close();
  }, 180_000);
});
