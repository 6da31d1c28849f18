// The bureau console's supervision pages as 呼和浩特市 (150100) staff use them, against a real `zcd serve` on the
// sandbox cloud: an admin onboards a bank with a JWKS file, a reviewer approves its product, an SME applies; the
// staff then read the applications of their subtree and one's timeline, the audit log with each read verified in
// the page, the staff list (admins only) and the region's policy with what it inherits, and the deadline
// breaches. Nothing of 包头市 (150200) is reachable by page or by URL; a viewer changes nothing; mistakes are
// told at the field. At 375 px and at 1280 px.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCloud } from '../../adapters/sandbox/sandbox-cloud.js';
import { createDb, type Knex } from '../../src/db/knex.js';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { chooseMonth, expectAccessible, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway, type TestPage } from './harness.js';

/** A bank speaking OAuth with the stock openid-client library: private_key_jwt and DPoP-bound tokens. */
async function bankParty(issuer: string, clientId: string, key: { privateKey: CryptoKey; kid: string }) {
  const config = await oidc.discovery(new URL(issuer), clientId, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), {
    algorithm: 'oauth2',
    execute: [oidc.allowInsecureRequests],
  });
  const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'institution' }, { DPoP: dpop });
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers = new Headers(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') });
    const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(issuer + path), method, body === undefined ? undefined : JSON.stringify(body), headers, { DPoP: dpop });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** Retries a write that the gateway's own SQLite writers made busy. */
async function busyRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 40 || !/SQLITE_BUSY|database is locked/.test(String((err as Error).message) + String((err as { code?: string }).code))) throw err;
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
}

let gateway: BrowserGateway;
let browser: Browser;
let db: Knex;
let sandbox: SandboxCloud;
let bankKey: { privateKey: CryptoKey; kid: string };
let publicJwks: Buffer;
let bankId = '';
let productId = '';
/** The 新城区 (150102) application and one placed in 包头市 (150202). */
const apps = { hohhot: '', baotou: '', hohhotContract: '' };

/** The session's CSRF token, for API calls a test makes with the page's cookies. */
async function csrf(tp: TestPage): Promise<string> {
  return ((await (await tp.context.request.get('/api/v1/session')).json()) as { csrf_token: string }).csrf_token;
}

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '300' }), launchBrowser()]);
  const url = gateway.databaseUrl;
  db = createDb(url.startsWith('sqlite:') ? { client: 'sqlite', filename: url.slice('sqlite:'.length) } : { client: 'pg', connectionString: url });
  sandbox = new SandboxCloud(db);
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  bankKey = { privateKey, kid: 'bureau-test-k1' };
  publicJwks = Buffer.from(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: bankKey.kid, alg: 'ES256', use: 'sig' }] }));
}, 120_000);
afterAll(async () => {
  await db?.destroy();
  await browser?.close();
  await gateway?.stop();
});

/** An SME applies over the API (the sandbox's identity token) for an unfinanced contract, placed in 新城区. */
async function smeApplies(): Promise<{ id: string; contractNo: string }> {
  const rows = (await db('contracts as c')
    .where('c.status', 'active')
    .whereNotExists(db('applications as a').whereRaw('a.contract_no = c.contract_no'))
    .whereNotExists(db('supplier_risk_flags as f').whereRaw('f.supplier_uscc = c.supplier_uscc'))
    .where('c.amount_fen', '>=', 2_000_000)
    .orderBy('c.contract_no')
    .limit(1)
    .select('c.contract_no', 'c.supplier_uscc')) as { contract_no: string; supplier_uscc: string }[];
  const c = rows[0]!;
  await busyRetry(() => db('contracts').where({ contract_no: c.contract_no }).update({ purchaser_region_code: '150102' }));
  const token = await sandbox.issueSupplierToken({ uscc: c.supplier_uscc, audience: gateway.url });
  const res = await fetch(`${gateway.url}/api/v1/supplier/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') },
    body: JSON.stringify({
      contract_no: c.contract_no,
      product_id: productId,
      requested_amount: 1_000_000,
      consent: { parts: ['contract', 'payments'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    }),
  });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { id: body.id, contractNo: c.contract_no };
}

describe('the supervision story at 1280 px', () => {
  it('a 150100 admin onboards a bank with a JWKS file; a 150100 reviewer approves its product; an SME applies', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.goto('/console/institutions/new');
    await page.getByLabel('机构名称').fill('呼和浩特监管测试银行');
    await page.getByLabel('统一社会信用代码').fill(withUsccCheck(`91150100MA${String(Date.now() % 1e7).padStart(7, '0')}`));
    await page.getByLabel('金融许可证号').fill('B0009H215010001');
    await page.getByLabel('服务地区').click();
    await page.getByLabel('服务地区').fill('新城区');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByLabel('JWKS 文件', { exact: true }).setInputFiles({ name: 'bank.jwks.json', mimeType: 'application/json', buffer: publicJwks });
    // In production mode (private webhooks not allowed) an http webhook is refused by the API, at the field.
    await page.getByLabel('事件通知地址（Webhook）').fill('http://bank.example/zcd/events');
    await page.getByRole('button', { name: '提交准入' }).click();
    await page.getByText('通知地址须为有效的 https 地址。').waitFor();
    expect(await page.getByLabel('事件通知地址（Webhook）').getAttribute('aria-invalid')).toBe('true');
    expect(Number(((await db('institutions').where({ name: '呼和浩特监管测试银行' }).count({ n: '*' })) as { n: number | string }[])[0]!.n)).toBe(0);
    await page.getByLabel('事件通知地址（Webhook）').fill('https://bank.example/zcd/events');
    await page.getByRole('button', { name: '提交准入' }).click();
    await page.getByRole('button', { name: '查看机构' }).click();
    await page.getByRole('heading', { level: 1, name: '机构详情' }).waitFor();
    bankId = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByText('https://bank.example/zcd/events').waitFor();
    await page.getByRole('button', { name: '启用' }).click();
    await page.getByRole('dialog').getByLabel('原因').fill('材料齐全');
    await page.getByRole('dialog').getByRole('button', { name: '启用' }).click();
    await page.getByText('已启用').first().waitFor();
    expectNoProblems(tp, [/status of 400/]);
    await tp.context.close();

    // The bank, with the key whose public half was uploaded, proposes a product for 新城区.
    const bank = await bankParty(gateway.url, bankId, bankKey);
    const product = await bank('POST', '/api/v1/products', {
      name: '新城政采贷', max_amount: 500_000_000, max_share_bp: 8000, rate_min_bp: 350, rate_max_bp: 700,
      term_min_days: 30, term_max_days: 365, categories: ['goods', 'services', 'works'], regions: ['150102'],
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    productId = String(product.body.id);

    const rv = await newPage(browser, gateway, 1280);
    await signIn(rv.page, { as: 'staff', bureau: '150100', role: 'reviewer' });
    await rv.page.goto('/console/products');
    await rv.page.getByRole('button', { name: '通过 新城政采贷' }).click();
    // The reviewer decides with every term in front of them: the share, the term, the fee, the promises, the categories.
    const terms = rv.page.getByRole('dialog');
    for (const [label, value] of [['最高融资比例（占合同未付金额）', '80.00%'], ['期限', '30–365 天'], ['手续费（占贷款金额）', '0.00%'], ['承诺审批时限', '未承诺'], ['适用采购品目', '货物、服务、工程']]) {
      await terms.getByRole('row').filter({ hasText: label }).filter({ hasText: value }).first().waitFor();
    }
    await rv.page.getByRole('dialog').getByLabel('原因').fill('条款符合本市政策');
    await rv.page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
    await rv.page
      .getByRole('dialog')
      .waitFor({ state: 'detached' })
      .catch(async (err: Error) => {
        // Say what the dialog shows (an error from the API, a message at the field) rather than only that it stayed.
        throw new Error(`${err.message}\nthe dialog still shows: ${await rv.page.getByRole('dialog').innerText().catch(() => '?')}`);
      });
    // It leaves the review queue, and the catalogue lists it as approved.
    await rv.page.getByRole('button', { name: '通过 新城政采贷' }).waitFor({ state: 'detached' });
    const approved = (await (await rv.context.request.get('/api/v1/admin/products?status=approved')).json()) as { items: { id: string }[] };
    expect(approved.items.map((p) => p.id)).toContain(productId);
    // A reviewer manages no staff and sets no policy: the pages say so and offer nothing.
    await rv.page.goto('/console/staff');
    await rv.page.getByText('工作人员管理仅限管理员。').waitFor();
    expectNoProblems(rv);
    await rv.context.close();

    const first = await smeApplies();
    apps.hohhot = first.id;
    apps.hohhotContract = first.contractNo;
    const second = await smeApplies();
    apps.baotou = second.id;
    await busyRetry(() => db('applications').where({ id: apps.baotou }).update({ purchaser_region_code: '150202' }));
    // The bank starts its review and reads the contract: a transition for the timeline and a read for the audit log.
    expect((await bank('POST', `/api/v1/applications/${apps.hohhot}/review`, {})).status).toBe(200);
    expect((await bank('GET', `/api/v1/applications/${apps.hohhot}/contract`)).status).toBe(200);
  });

  it('a 150100 viewer reads the subtree’s applications and one’s timeline; 包头市’s is not there by page, URL or API', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '融资申请' }).click();
    await page.getByRole('heading', { level: 1, name: '融资申请' }).waitFor();
    await page.getByRole('link', { name: `查看申请 ${apps.hohhotContract}` }).waitFor();
    expect(await page.getByRole('row').count()).toBe(2); // the header and the one 新城区 application
    // Mistakes in the filters are told at the field, and nothing is asked of the API.
    await page.getByLabel('提交日期自（YYYY-MM-DD）').fill('2026-02-30');
    await page.getByLabel('申请金额不低于（元）').fill('５００');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('请填写有效日期，如 2026-12-01 或 2026年12月1日。').waitFor();
    await page.getByText(/请使用半角数字/).waitFor();
    expect(await page.getByLabel('提交日期自（YYYY-MM-DD）').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('提交日期自（YYYY-MM-DD）').fill('');
    await page.getByLabel('申请金额不低于（元）').fill('10001');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('没有符合条件的申请。').waitFor();
    await page.getByLabel('申请金额不低于（元）').fill('10000');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('link', { name: `查看申请 ${apps.hohhotContract}` }).click();
    await page.getByRole('heading', { level: 1, name: '申请详情' }).waitFor();
    await page.getByText('提交申请：已提交').waitFor();
    await page.getByText('已提交 → 审核中').waitFor();
    // What the SME let the bank read, and until when: the row a bureau checks before asking about a data read.
    const consent = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '数据授权' }) });
    await consent.getByText('有效', { exact: true }).waitFor();
    await consent.getByText('合同、国库支付记录').waitFor();
    expect(await consent.getByText(/^授权有效至\s?\d{4}年\d{1,2}月\d{1,2}日/).count()).toBe(1);
    // Back to the list as it was left: the filter is still applied and still shown, and a reload keeps it.
    await page.getByRole('link', { name: '返回申请列表' }).click();
    await page.getByRole('link', { name: `查看申请 ${apps.hohhotContract}` }).waitFor();
    expect(await page.getByLabel('申请金额不低于（元）').inputValue()).toBe('10000');
    await page.getByLabel('申请金额不低于（元）').fill('10001');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('没有符合条件的申请。').waitFor();
    await page.reload();
    await page.getByText('没有符合条件的申请。').waitFor();
    expect(await page.getByLabel('申请金额不低于（元）').inputValue()).toBe('10001');
    // Back to the filtering before: the list and the form both follow.
    await page.goBack();
    await page.getByRole('link', { name: `查看申请 ${apps.hohhotContract}` }).waitFor();
    expect(await page.getByLabel('申请金额不低于（元）').inputValue()).toBe('10000');
    await page.goForward();
    await page.getByText('没有符合条件的申请。').waitFor();
    expect(await page.getByLabel('申请金额不低于（元）').inputValue()).toBe('10001');
    await page.getByRole('button', { name: '清空条件' }).click();
    await page.getByRole('link', { name: `查看申请 ${apps.hohhotContract}` }).waitFor();
    expect(await page.getByLabel('申请金额不低于（元）').inputValue()).toBe('');
    expect(new URL(page.url()).search).toBe('');
    await page.goto(`/console/applications/${apps.baotou}`);
    await page.getByText('本辖区没有这笔申请。').waitFor();
    expect((await tp.context.request.get(`/api/v1/admin/applications/${apps.baotou}`)).status()).toBe(404);
    expect((await tp.context.request.get('/api/v1/admin/applications?region=150202')).status()).toBe(403);
    expectNoProblems(tp, [/status of 404/]);
    await tp.context.close();
  });

  it('the audit page verifies each read against the tree head in the page, and lists quarantined records', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.goto('/console/audit');
    await page.getByRole('tab', { name: '数据访问' }).click();
    // The sequencer adds the read within about a second; until then it is pending.
    for (let i = 0; i < 20 && (await page.getByText('已验证').count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByRole('tab', { name: '数据访问' }).click();
      await page.getByRole('cell', { name: apps.hohhotContract }).waitFor();
    }
    await page.getByRole('row', { name: new RegExp(apps.hohhotContract) }).getByText('已验证').waitFor();
    expect(await page.getByText('验证失败').count()).toBe(0);
    await page.getByRole('tab', { name: '隔离的上游记录' }).click();
    await page.getByRole('tabpanel', { name: '隔离的上游记录' }).waitFor();
    expectNoProblems(tp, [/status of 404/]);
    await tp.context.close();
  });

  it('a 150100 admin manages staff within the subtree; a region outside it is refused at the field; a viewer is refused by the API', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作人员' }).click();
    await page.getByRole('heading', { level: 1, name: '工作人员' }).waitFor();
    await page.getByLabel('姓名', { exact: true }).fill('包头越权');
    await page.getByLabel('身份标识（sub）').fill('outside-person');
    await page.getByLabel('所属地区').fill('150200');
    await page.getByRole('button', { name: '添加工作人员' }).click();
    await page.getByText('该地区不在本辖区内，不能为其登记工作人员。').waitFor();
    expect(await page.getByLabel('所属地区').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('所属地区').fill('150100');
    await page.getByLabel('姓名', { exact: true }).fill('新同事');
    await page.getByLabel('身份标识（sub）').fill('new-colleague');
    await page.getByRole('button', { name: '添加工作人员' }).click();
    await page.getByText('已添加：新同事').waitFor();
    await page.getByLabel('新同事 的角色').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText('新同事 的角色已改为 审核员').waitFor();
    await page.getByRole('button', { name: '移除 新同事' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '移除' }).click();
    await page.getByText('已移除：新同事').waitFor();
    // Removing oneself is refused, and the page says so in Chinese, not in the API's English.
    await page.getByRole('button', { name: '移除 巴特尔' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '移除' }).click();
    await page.getByText('操作未成功：不能移除自己，请由另一位管理员操作。').waitFor();
    expectNoProblems(tp, [/status of 403/, /status of 409/]);
    const staffId = ((await (await tp.context.request.get('/api/v1/admin/staff')).json()) as { items: { id: string; subject: string }[] }).items.find((m) => m.subject !== 'czt-150100-admin')!.id;
    await tp.context.close();

    const viewer = await newPage(browser, gateway, 1280);
    await signIn(viewer.page, { as: 'staff', bureau: '150100', role: 'viewer' });
    const refused = await viewer.context.request.patch(`/api/v1/admin/staff/${staffId}`, { headers: { 'x-csrf-token': await csrf(viewer), origin: gateway.url }, data: { role: 'admin' } });
    expect(refused.status()).toBe(403);
    await viewer.context.close();
  });

  it('the policy page shows what 150100 inherits and from where; loosening 150000’s rule is refused at the field; breaches are listed', async () => {
    const root = await newPage(browser, gateway, 1280);
    await signIn(root.page, { as: 'staff', bureau: '150000', role: 'admin' });
    const rules = { max_share_bp: null, max_amount: null, max_rate_bp: 800, fees_allowed: false, decide_days: 5, disburse_days: null };
    const set = await root.context.request.put('/api/v1/admin/regions/150000/policy', { headers: { 'x-csrf-token': await csrf(root), origin: gateway.url }, data: rules });
    expect(set.status(), await set.text()).toBe(200);
    await root.context.close();
    await busyRetry(() =>
      db('deadline_breaches').insert({
        application_id: apps.hohhot, deadline: 'decide', institution_id: bankId, region_code: '150102', working_days: 5, due_at: Date.now() - 86_400_000, recorded_at: Date.now(),
      }),
    );

    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政策参数' }).click();
    await page.getByRole('heading', { level: 1, name: '政策参数' }).waitFor();
    await page.getByRole('row', { name: /最高年利率/ }).getByText('继承自 内蒙古自治区').waitFor();
    await page.getByRole('row', { name: /审批时限/ }).getByText('继承自 内蒙古自治区').waitFor();
    await page.getByLabel('最高年利率（%）').fill('9');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText(/不能放宽上级规则：上级限制为 8\.00%/).waitFor();
    expect(await page.getByLabel('最高年利率（%）').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('审批时限（工作日）').fill('0');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('请输入 1 到 60 之间的整数。').waitFor();
    await page.getByLabel('审批时限（工作日）').fill('3');
    await page.getByLabel('最高年利率（%）').fill('6');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('政策参数已保存。').waitFor();
    await page.getByRole('row', { name: /最高年利率/ }).getByText('本级').waitFor();
    // The message outlives the form showing the saved values.
    expect(await page.getByRole('status').filter({ hasText: '政策参数已保存。' }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: '超时记录' }).click();
    await page.getByRole('row', { name: new RegExp(apps.hohhotContract) }).getByText('审批超时').waitFor();
    expectNoProblems(tp, [/status of 422/]);
    await tp.context.close();

    const viewer = await newPage(browser, gateway, 1280);
    await signIn(viewer.page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await viewer.page.goto('/console/policy');
    await viewer.page.getByRole('row', { name: /最高年利率/ }).getByText('本级').waitFor();
    expect(await viewer.page.getByRole('button', { name: '保存' }).count()).toBe(0);
    const refused = await viewer.context.request.put('/api/v1/admin/regions/150100/policy', { headers: { 'x-csrf-token': await csrf(viewer), origin: gateway.url }, data: rules });
    expect(refused.status()).toBe(403);
    expect((await viewer.context.request.get('/api/v1/admin/regions/150200/policy')).status()).toBe(403);
    await viewer.context.close();
  });
});

/** A key figure of the dashboard as shown: the definition beside the term `label`. */
async function figure(page: Page, label: string): Promise<string> {
  const term = page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) });
  return (await term.locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

/** The month the gateway counts in (China Standard Time, UTC+8), YYYY-MM. */
const chinaMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

// Ant Design spaces the two characters of a two-character button (盟 市), as Chinese typesetting does.
describe('the dashboard and the report at 1280 px', () => {
  it('the bank’s approval over the API moves the 150100 dashboard; the month’s report downloaded from the console has its totals', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'reviewer' });
    await page.getByRole('heading', { level: 1, name: '业务概览' }).waitFor();
    const month = chinaMonth();
    // A period that ends before it starts is refused in the page, with what to choose instead.
    await chooseMonth(page, '截止月份', `${Number(month.slice(0, 4)) - 1}-01`);
    await page.getByRole('alert').filter({ hasText: '起始月份不晚于截止月份' }).waitFor();
    await chooseMonth(page, '起始月份', month);
    await chooseMonth(page, '截止月份', month);
    await page.getByRole('button', { name: /^旗\s?县$/ }).click();
    await expect.poll(() => figure(page, '申请笔数')).toBe('1');
    const approvalsBefore = Number(await figure(page, '批准笔数'));
    expect(approvalsBefore).toBe(0);

    // The bank approves the 新城区 application over the API, with the stock OAuth client.
    const bank = await bankParty(gateway.url, bankId, bankKey);
    const decided = await bank('POST', `/api/v1/applications/${apps.hohhot}/decision`, {
      decision: 'approve', amount: 800_000, annual_rate_bp: 450, term_days: 120,
      collection_account: { bank_name: '呼和浩特监管测试银行', account_name: '政采贷回款专户', account_number: '6222020200112233445' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    // The page, asked again (another level and back), shows the approval: one more, ¥8,000.00, a rate of 100 %.
    await page.getByRole('button', { name: /^盟\s?市$/ }).click();
    await page.getByRole('button', { name: /^旗\s?县$/ }).click();
    await expect.poll(() => figure(page, '批准笔数')).toBe('1');
    expect(await figure(page, '批准金额')).toBe('¥8,000.00');
    expect(await figure(page, '批准率')).toBe('100.00%');
    // The 新城区 row of the breakdown by region carries it too.
    await page.getByRole('row', { name: /新城区/ }).getByRole('cell', { name: '¥8,000.00' }).first().waitFor();
    const dashboard = (await (await tp.context.request.get(`/api/v1/admin/statistics/dashboard?from=${month}&to=${month}`)).json()) as {
      total: { applications: number; approvals: number; approved_amount: number; rejections: number; disbursements: number; disbursed_amount: number; applied_amount: number };
    };
    expect(dashboard.total).toMatchObject({ applications: 1, approvals: 1, approved_amount: 800_000 });
    await screenshot(tp, 'console-dashboard-after-approval');

    // The month's report, downloaded from the report page as a person would, has the dashboard's totals.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '月度报告' }).click();
    await page.getByRole('heading', { level: 1, name: '月度业务报告' }).waitFor();
    await chooseMonth(page, '报告月份', month);
    await page.getByRole('row').filter({ has: page.getByRole('cell', { name: '合计', exact: true }) }).last().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    const header = lines[0]!.split(',');
    const total = lines.at(-1)!.split(',');
    expect(total[header.indexOf('institution_name')]).toBe('合计');
    const column = (name: string) => Number(total[header.indexOf(name)]);
    expect(column('applications')).toBe(dashboard.total.applications);
    expect(column('applied_amount_fen')).toBe(dashboard.total.applied_amount);
    expect(column('approvals')).toBe(dashboard.total.approvals);
    expect(column('approved_amount_fen')).toBe(dashboard.total.approved_amount);
    expect(column('rejections')).toBe(dashboard.total.rejections);
    expect(column('disbursements')).toBe(dashboard.total.disbursements);
    expect(column('disbursed_amount_fen')).toBe(dashboard.total.disbursed_amount);
    expectNoProblems(tp);
    await tp.context.close();
  });
});

describe.each(WIDTHS)('the supervision pages at %i px', (width) => {
  it('each page is accessible and fits the screen', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    const pages: [string, string, string][] = [
      ['/console/applications', '融资申请', 'console-applications'],
      [`/console/applications/${apps.hohhot}`, '申请详情', 'console-application'],
      ['/console/staff', '工作人员', 'console-staff'],
      ['/console/policy', '政策参数', 'console-policy'],
      ['/console/audit', '审计日志', 'console-audit-log'],
    ];
    for (const [path, heading, name] of pages) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `${path} at ${width} px`);
      await screenshot(tp, name);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
      // The navigation scrolls sideways on a phone: the entry of the page one is on is in view, whole.
      const nav = page.getByRole('navigation', { name: '主导航' });
      const [bar, here] = await Promise.all([nav.boundingBox(), nav.locator('a[aria-current="page"]').boundingBox()]);
      expect(here!.x, path).toBeGreaterThanOrEqual(bar!.x - 1);
      expect(here!.x + here!.width, path).toBeLessThanOrEqual(bar!.x + bar!.width + 1);
    }
    // On 审计日志, the last page: a moment is written as in the portal, its date on one line however narrow the column.
    const date = page.getByText(/^\d{4}年\d{1,2}月\d{1,2}日$/).first();
    expect((await date.boundingBox())!.height).toBeLessThan(30);
    await page.goto('/console/audit');
    await page.getByRole('tab', { name: '数据访问' }).click();
    await page.getByText('已验证').first().waitFor();
    await expectAccessible(page, `the data-access log at ${width} px`);
    await screenshot(tp, 'console-audit-access');
    await page.goto('/console/policy');
    await page.getByRole('tab', { name: '超时记录' }).click();
    await page.getByText('审批超时').first().waitFor();
    await expectAccessible(page, `the deadline breaches at ${width} px`);
    await screenshot(tp, 'console-breaches');
    expectNoProblems(tp);
    await tp.context.close();
  });
});
