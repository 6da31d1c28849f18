import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { expectAccessible, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway } from './harness.js';

let gateway: BrowserGateway;
let browser: Browser;
beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe.each(WIDTHS)('the console’s supervision pages at %i px', (width) => {
  it('付款监督 lists the late payments of the bureau’s region with their totals per purchaser', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150000', role: 'viewer' });
    await page.getByRole('link', { name: '付款监督' }).first().click();
    await page.getByRole('heading', { level: 1, name: '采购人付款监督' }).waitFor();
    const api = await tp.context.request.get('/api/v1/admin/late-payments?late=true&page_size=100');
    const body = (await api.json()) as { items: { contract_no: string }[] };
    if (body.items.length) {
      await page.getByRole('cell', { name: body.items[0]!.contract_no }).waitFor();
      await page.getByRole('heading', { level: 2, name: '按采购人汇总（本页）' }).waitFor();
      await page.getByRole('heading', { level: 2, name: '逐份合同（本页）' }).waitFor();
    } else {
      await page.getByText('没有符合条件的合同。').waitFor();
    }
    // The switch is named by its label, and the label sits beside it, not against it.
    const onlyLate = page.getByRole('switch', { name: '只看逾期' });
    expect(await onlyLate.isChecked()).toBe(true);
    const [box, text] = await Promise.all([onlyLate.boundingBox(), page.getByText('只看逾期', { exact: true }).boundingBox()]);
    expect(text!.x - (box!.x + box!.width)).toBeGreaterThanOrEqual(6);
    await expectAccessible(page, `/console/late-payments at ${width} px`);
    await screenshot(tp, 'console-late-payments');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('信息发布: an administrator writes a dishonesty record, publishes it, and the public sees it', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150000', role: 'admin' });
    await page.getByRole('link', { name: '信息发布' }).first().click();
    await page.getByRole('heading', { level: 1, name: '信息发布与失信通报' }).waitFor();
    const title = `失信行为记录 ${width}`;
    await page.getByRole('region', { name: '新建' }).getByText('失信行为记录', { exact: true }).click();
    expect(await page.getByRole('radio', { name: '失信行为记录' }).isChecked()).toBe(true);
    await page.getByLabel('标题').fill(title);
    await page.getByLabel('当事人名称').fill('内蒙古测试工程有限公司');
    await page.getByLabel('当事人统一社会信用代码').fill(withUsccCheck(`91150100MA0NT${width === 375 ? '0375' : '1280'}`));
    await page.getByLabel('失信行为或处罚事由').fill('以其他供应商的名义投标。');
    await page.getByLabel('决定书文号').fill('内财购处〔2026〕9号');
    await page.getByLabel('公示期开始（YYYY-MM-DD）').fill('2026-01-01');
    await page.getByLabel('公示期结束（YYYY-MM-DD）').fill('2099-12-31');
    await page.getByLabel('正文').fill('特此通报。');
    await expectAccessible(page, `/console/notices form at ${width} px`);
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('草稿已保存。').waitFor();
    // Publishing asks once more: it goes on the public site at once.
    await page.getByRole('button', { name: `发布 ${title}` }).click();
    await page.getByText('发布后，所有人都能在公开网站上看到它。确定发布吗？').waitFor();
    expect(((await (await tp.context.request.get('/api/v1/public/notices?kind=dishonesty')).json()) as { items: { title: string }[] }).items.map((n) => n.title)).not.toContain(title);
    await page.getByRole('button', { name: /^发\s*布$/ }).click();
    await page.getByRole('button', { name: `撤回 ${title}` }).waitFor();
    expect(await page.getByText('草稿已保存。').count()).toBe(0);
    await screenshot(tp, 'console-notices');
    const pub = await tp.context.request.get('/api/v1/public/notices?kind=dishonesty');
    expect(((await pub.json()) as { items: { title: string }[] }).items.map((n) => n.title)).toContain(title);
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('信息发布: a viewer reads the list but gets no form and no publish buttons', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.goto('/console/notices');
    await page.getByRole('heading', { level: 1, name: '信息发布与失信通报' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '新建' }).waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
    expect(await page.getByRole('button', { name: '保存草稿' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^发布 / }).count()).toBe(0);
    await expectAccessible(page, `/console/notices as a viewer at ${width} px`);
    expectNoProblems(tp);
    await tp.context.close();
  });
});
