import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../src/domain/uscc.js';
import { expectAccessible, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, tabTo, WIDTHS, type BrowserGateway } from './harness.js';

let gateway: BrowserGateway;
let browser: Browser;
const ids: Record<string, string> = {};
const uscc = withUsccCheck('91150100MA0NT0010');

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
  // The 150000 bureau's administrator writes and publishes through the published API, in a session, as the console would.
  const tp = await newPage(browser, gateway, 1280);
  await signIn(tp.page, { as: 'staff', bureau: '150000', role: 'admin' });
  const session = await (await tp.context.request.get('/api/v1/session')).json();
  const headers = { origin: gateway.url, 'x-csrf-token': session.csrf_token as string };
  const publish = async (key: string, body: Record<string, unknown>) => {
    const created = await tp.context.request.post('/api/v1/admin/notices', { headers, data: body });
    expect(created.status(), await created.text()).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await tp.context.request.post(`/api/v1/admin/notices/${id}/publish`, { headers })).status()).toBe(200);
    ids[key] = id;
  };
  await publish('policy', {
    kind: 'policy',
    title: '关于进一步推进政府采购合同融资工作的通知',
    body: '各盟市财政局：\n为缓解中小企业融资难、融资贵问题，现就进一步推进政府采购合同融资工作通知如下。\n一、优化融资流程。',
  });
  await publish('dishonesty', {
    kind: 'dishonesty',
    title: '政府采购严重违法失信行为记录（内蒙古测试商贸有限公司）',
    subject: { name: '内蒙古测试商贸有限公司', uscc },
    finding: '提供虚假材料谋取中标、成交，违反《中华人民共和国政府采购法》第七十七条第一款第（一）项。',
    decision_no: '内财购处〔2026〕3号',
    period_start: '2026-06-01',
    period_end: '2099-05-31',
  });
  await tp.context.close();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe.each(WIDTHS)('public notices at %i px', (width) => {
  it('/ shows the latest notices, and each opens on its own page without signing in', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/');
    const section = page.getByRole('region', { name: '通知公告与失信通报' });
    const link = section.getByRole('link', { name: '关于进一步推进政府采购合同融资工作的通知' });
    await link.waitFor();
    await section.getByRole('link', { name: /政府采购严重违法失信行为记录/ }).waitFor();
    await section.getByText('政策通知').first().waitFor();
    expect(await section.getByRole('link', { name: '查看全部通知公告' }).getAttribute('href')).toBe('/notices');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(page, `/ with notices at ${width} px`);
    await screenshot(tp, 'landing-notices');

    await link.click();
    await page.waitForURL(`**/notices/${ids.policy}`);
    await page.getByRole('heading', { level: 1, name: '关于进一步推进政府采购合同融资工作的通知' }).waitFor();
    await page.getByText('一、优化融资流程。').waitFor();
    await page.getByText(/内蒙古自治区财政厅 · .*发布/).waitFor();
    await expectAccessible(page, `a policy notice at ${width} px`);
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('/notices lists everything, filters by kind and shows a record’s subject, USCC, decision and period', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/notices');
    await page.getByRole('heading', { level: 1, name: '通知公告与失信通报' }).waitFor();
    await expect.poll(() => page.title()).toBe('通知公告 · 政采贷对接网关');
    const list = page.getByRole('main');
    await list.getByRole('link', { name: '关于进一步推进政府采购合同融资工作的通知' }).waitFor();
    // Filter to dishonesty records, by keyboard as much as by mouse.
    await page.getByRole('group', { name: '类别' }).getByText('失信行为记录').click();
    await expect.poll(() => list.getByRole('link', { name: '关于进一步推进政府采购合同融资工作的通知' }).count()).toBe(0);
    const record = list.getByRole('link', { name: /政府采购严重违法失信行为记录/ });
    await record.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(page, `/notices at ${width} px`);
    await screenshot(tp, 'notices');

    await record.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/notices/${ids.dishonesty}`);
    await page.getByRole('heading', { level: 1, name: /政府采购严重违法失信行为记录/ }).waitFor();
    for (const text of ['内蒙古测试商贸有限公司', uscc, '内财购处〔2026〕3号', /2026年6月1日 至 2099年5月31日/, /第七十七条第一款/]) {
      await page.getByText(text).first().waitFor();
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(page, `a dishonesty record at ${width} px`);
    await screenshot(tp, 'notice-record');
    const visited = await tabTo(page, (f) => f.name === '返回通知公告列表');
    expect(visited.length).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '通知公告与失信通报' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/notices\/?$/);
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('says so when a notice is not (or no longer) published', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/notices/ntc_000000000000000000000000');
    await page.getByRole('heading', { level: 1, name: '未找到该通知' }).waitFor();
    await expectAccessible(page, `an unknown notice at ${width} px`);
    expectNoProblems(tp, [/404/]);
    await tp.context.close();
  });
});
