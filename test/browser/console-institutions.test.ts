import { exportJWK, generateKeyPair } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { expectAccessible, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway, type TestPage } from './harness.js';

// The bureau console's institution pages as staff use them: a 呼和浩特市 (150100) admin onboards a bank with a JWKS
// file and activates it; mistakes are told at the field; a viewer sees no write button and the API refuses it
// anyway; another 盟市's institution is not there, by page or by URL.

let gateway: BrowserGateway;
let browser: Browser;
let publicJwks: Buffer;
let privateJwks: Buffer;
let counter = 0;
/** A valid USCC, different per call (and per run). */
const uscc = () => withUsccCheck(`91150100MA${String((Date.now() % 1e6) * 10 + counter++).padStart(7, '0').slice(-7)}`);

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  publicJwks = Buffer.from(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
  privateJwks = Buffer.from(JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

/** The session's CSRF token, for the API calls a test makes with the page's cookies. */
async function csrf(tp: TestPage): Promise<string> {
  return ((await (await tp.context.request.get('/api/v1/session')).json()) as { csrf_token: string }).csrf_token;
}

/** Onboards an institution through the console's form; returns its detail page's path. */
async function onboardThroughForm(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: '机构准入' }).click();
  await page.getByRole('heading', { level: 1, name: '机构准入' }).waitFor();
  await page.getByLabel('机构名称').fill(name);
  await page.getByLabel('统一社会信用代码').fill(uscc());
  await page.getByLabel('金融许可证号').fill('B0001H215010001');
  await page.getByLabel('服务地区').click();
  await page.getByLabel('服务地区').fill('新城区');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.getByLabel('JWKS 文件', { exact: true }).setInputFiles({ name: 'bank.jwks.json', mimeType: 'application/json', buffer: publicJwks });
  await page.getByRole('button', { name: '提交准入' }).click();
  await page.getByText(`已登记：${name}`).waitFor();
  expect(await page.getByText(/^whsec_/).textContent()).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}/);
  await page.getByRole('button', { name: '查看机构' }).click();
  await page.getByRole('heading', { level: 1, name: '机构详情' }).waitFor();
  return new URL(page.url()).pathname;
}

describe('the institution pages at 1280 px: onboarding, mistakes at the field, status, roles and regions', () => {
  let detail = '';

  it('a 150100 admin is told at each field what is wrong: USCC check character, a private key in the JWKS', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '金融机构' }).click();
    await page.getByRole('heading', { level: 1, name: '金融机构' }).waitFor();
    await page.getByRole('button', { name: '机构准入' }).click();
    await page.getByRole('heading', { level: 1, name: '机构准入' }).waitFor();
    await page.getByLabel('机构名称').fill('呼和浩特测试银行');
    const good = uscc();
    await page.getByLabel('统一社会信用代码').fill(good.slice(0, 17) + (good.endsWith('X') ? 'Y' : 'X'));
    await page.getByLabel('金融许可证号').fill('B0001H215010001');
    await page.getByLabel('服务地区').click();
    await page.getByLabel('服务地区').fill('新城区');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByLabel('JWKS 文件', { exact: true }).setInputFiles({ name: 'bank.jwks.json', mimeType: 'application/json', buffer: privateJwks });
    await page.getByRole('button', { name: '提交准入' }).click();
    await page.getByText('统一社会信用代码不正确（18 位，请核对校验码）。').waitFor();
    await page.waitForTimeout(500);
    await expectAccessible(page, 'the onboarding form with errors');
    await screenshot(tp, 'console-onboard-errors');
    // Right USCC, still the private key: the API refuses the JWKS, and the page says so at the file field.
    await page.getByLabel('统一社会信用代码').fill(good);
    await page.getByRole('button', { name: '提交准入' }).click();
    await page.getByText(/JWKS 无效：只能包含公钥/).waitFor();
    expect(await page.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).not.toBe('true');
    expectNoProblems(tp, [/status of 400/]);
    await tp.context.close();
  });

  it('a 150100 admin onboards a bank with a JWKS file and activates it with a reason', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.goto('/console/institutions');
    detail = await onboardThroughForm(page, '呼和浩特草原银行');
    await page.getByText('待启用').first().waitFor();
    await page.getByRole('button', { name: '启用' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('原因').fill('材料齐全，准予接入');
    await dialog.getByRole('button', { name: '启用' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('已启用').first().waitFor();
    await page.getByText('材料齐全，准予接入').waitFor();
    await expectAccessible(page, 'the institution page');
    await screenshot(tp, 'console-institution');
    await page.goto('/console/institutions');
    await page.getByRole('link', { name: '呼和浩特草原银行' }).waitFor();
    await screenshot(tp, 'console-institutions');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('a 150100 viewer sees no write button, and the API refuses the write anyway (403)', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.goto('/console/institutions');
    await page.getByRole('link', { name: '呼和浩特草原银行' }).waitFor();
    expect(await page.getByRole('button', { name: '机构准入' }).count()).toBe(0);
    await page.goto(detail);
    await page.getByText('已启用').first().waitFor();
    for (const name of ['暂停', '撤销', '修改地区和通知地址', '轮换公钥']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    const id = detail.split('/').at(-1)!;
    const res = await tp.context.request.patch(`/api/v1/admin/institutions/${id}`, {
      headers: { 'x-csrf-token': await csrf(tp), origin: gateway.url },
      data: { webhook_url: 'https://evil.example/' },
    });
    expect(res.status()).toBe(403);
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('a 150100 admin cannot see a 150200 institution, by page or by URL', async () => {
    const root = await newPage(browser, gateway, 1280);
    await signIn(root.page, { as: 'staff', bureau: '150000', role: 'admin' });
    const created = await root.context.request.post('/api/v1/admin/institutions', {
      headers: { 'x-csrf-token': await csrf(root), origin: gateway.url },
      data: { name: '包头钢城银行', uscc: uscc(), license_no: 'B2', type: 'bank', regions: ['150202'], jwks: JSON.parse(publicJwks.toString()) },
    });
    expect(created.status()).toBe(201);
    const baotou = ((await created.json()) as { client_id: string }).client_id;
    await root.context.close();

    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.goto('/console/institutions');
    await page.getByRole('link', { name: '呼和浩特草原银行' }).waitFor();
    expect(await page.getByRole('link', { name: '包头钢城银行' }).count()).toBe(0);
    await page.goto(`/console/institutions/${baotou}`);
    await page.getByText('本辖区没有这家机构。').waitFor();
    const res = await tp.context.request.patch(`/api/v1/admin/institutions/${baotou}`, {
      headers: { 'x-csrf-token': await csrf(tp), origin: gateway.url },
      data: { webhook_url: 'https://evil.example/' },
    });
    expect(res.status()).toBe(404);
    expectNoProblems(tp, [/status of 404/]);
    await tp.context.close();
  });
});

describe.each(WIDTHS)('the institution pages at %i px', (width) => {
  it('list, form and keyboard: the form is reached and filled without a mouse', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'admin' });
    await page.goto('/console/institutions/new');
    await page.getByRole('heading', { level: 1, name: '机构准入' }).waitFor();
    await page.getByLabel('机构名称').focus();
    await page.keyboard.type('键盘银行');
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Enter');
    await page.getByText('统一社会信用代码不正确（18 位，请核对校验码）。').waitFor();
    await page.waitForTimeout(500);
    await expectAccessible(page, `the onboarding form at ${width} px`);
    await screenshot(tp, 'console-onboard');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.goto('/console/institutions');
    await page.getByRole('heading', { level: 1, name: '金融机构' }).waitFor();
    await expectAccessible(page, `the institutions list at ${width} px`);
    expectNoProblems(tp);
    await tp.context.close();
  });
});

describe.each(WIDTHS)('the audit and product pages at %i px', (width) => {
  it('a 150100 viewer reads its bureau’s admin actions (the onboarding above) and the product queue, without review buttons', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.goto('/console/audit');
    await page.getByRole('heading', { level: 1, name: '审计日志' }).waitFor();
    // Each action by its name, with the operationId beside it; the filter lists the actions by name.
    await page.getByRole('cell', { name: '接入金融机构 createInstitution' }).first().waitFor();
    await page.getByRole('cell', { name: '变更金融机构状态 updateInstitutionStatus' }).first().waitFor();
    await page.getByRole('combobox', { name: '按操作筛选' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTitle('变更金融机构状态', { exact: true }).click();
    await page.getByRole('cell', { name: '变更金融机构状态 updateInstitutionStatus' }).first().waitFor();
    await expect.poll(() => page.getByRole('cell', { name: /createInstitution/ }).count()).toBe(0);
    await expectAccessible(page, `the audit page at ${width} px`);
    await screenshot(tp, 'console-audit');
    await page.getByRole('tab', { name: '数据访问' }).click();
    await page.getByText('暂无记录。').first().waitFor();
    await page.goto('/console/products');
    await page.getByRole('heading', { level: 1, name: '融资产品审核' }).waitFor();
    expect(await page.getByRole('columnheader', { name: '审核' }).count()).toBe(0);
    await expectAccessible(page, `the products page at ${width} px`);
    await screenshot(tp, 'console-products');
    expectNoProblems(tp);
    await tp.context.close();
  });
});
