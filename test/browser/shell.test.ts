import type { Browser } from 'playwright-core';
import type { components } from '../../src/generated/openapi.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  expectNoProblems,
  launchBrowser,
  newPage,
  screenshot,
  signIn,
  startGateway,
  tabTo,
  WIDTHS,
  type BrowserGateway,
  type TestPage,
} from './harness.js';

const publishedStatistics = {
  from: '2026-01',
  to: '2026-03',
  min_cell: 5,
  items: [
    { league_code: '150100', league_name: '呼和浩特市', month: '2026-01', applications: null, sme_share_bp: null, applied_amount: null, approvals: null, approved_amount: null, disbursements: null, disbursed_amount: null, median_hours_to_funds: null, suppressed: ['applications', 'approvals', 'disbursements'] },
    { league_code: '150100', league_name: '呼和浩特市', month: '2026-02', applications: 9, sme_share_bp: 8889, applied_amount: 900000000, approvals: 7, approved_amount: 700000000, disbursements: 5, disbursed_amount: 12345, median_hours_to_funds: 52.5, suppressed: [] },
    { league_code: '150200', league_name: '包头市', month: '2026-02', applications: 6, sme_share_bp: 10000, applied_amount: 600000000, approvals: 5, approved_amount: 500000000, disbursements: 5, disbursed_amount: 234555, median_hours_to_funds: 40, suppressed: [] },
    { league_code: '150100', league_name: '呼和浩特市', month: '2026-03', applications: 12, sme_share_bp: 9167, applied_amount: 1200000000, approvals: 10, approved_amount: 1000000000, disbursements: 8, disbursed_amount: 800000000, median_hours_to_funds: 30.1, suppressed: [] },
  ],
} satisfies components['schemas']['PublicStatistics'];

/** The signed-in person, as the page's own session answer says. */
async function sessionOf(tp: TestPage): Promise<components['schemas']['Session']> {
  const res = await tp.context.request.get('/api/v1/session');
  expect(res.status()).toBe(200);
  return (await res.json()) as components['schemas']['Session'];
}

let gateway: BrowserGateway;
let browser: Browser;
beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

describe.each(WIDTHS)('the web app at %i px', (width) => {
  it('/ says what the gateway is and links to the portal, the console, the API reference and the statistics', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    const answer = await page.goto('/');
    expect(answer?.status()).toBe(200);
    const csp = answer!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect.poll(() => page.title()).toBe('政采贷对接网关 · 政府采购合同融资');
    await page.getByRole('heading', { level: 1, name: '政府采购合同融资（政采贷）对接网关' }).waitFor();
    const entries = page.getByRole('navigation', { name: '入口' });
    expect(await entries.getByRole('link', { name: /企业门户/ }).getAttribute('href')).toBe('/portal');
    expect(await entries.getByRole('link', { name: /监管控制台/ }).getAttribute('href')).toBe('/console');
    expect(await entries.getByRole('link', { name: /接口文档/ }).getAttribute('href')).toBe('/docs');
    expect(await entries.getByRole('link', { name: /公开统计/ }).getAttribute('href')).toBe('#statistics');
    // A fresh gateway has published nothing yet: the page says why instead of drawing an empty chart.
    await page.getByRole('region', { name: '公开统计' }).getByText('暂无可公布的统计数据').waitFor();
    await expectAccessible(page, `/ at ${width} px`);
    await screenshot(tp, 'landing');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('/ draws the published statistics as a chart (its code loaded only now) with the same figures in a table', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    // A fresh gateway has nothing to publish (fewer than 5 events per cell); this answer stands for a year of business.
    await tp.context.route('**/api/v1/public/statistics', (route) => route.fulfill({ status: 200, json: publishedStatistics }));
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto('/');
    const panel = page.getByRole('region', { name: '公开统计' });
    await panel.getByRole('img', { name: /2026年1月至2026年3月每月申请、批准与放款笔数柱状图/ }).locator('canvas').first().waitFor();
    expect(scripts.some((s) => /\/assets\/echarts-[^/]+\.js$/.test(s))).toBe(true);
    const table = panel.getByRole('table');
    await table.getByRole('row', { name: /2026年2月/ }).getByText('¥2,469.00').waitFor(); // 12,345 + 234,555 fen, published cells only
    await table.getByRole('row', { name: /2026年1月/ }).getByText('未公布').first().waitFor();
    await expectAccessible(page, `/ with statistics at ${width} px`);
    await screenshot(tp, 'landing-statistics');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('/portal signed out asks an SME to sign in at the procurement cloud and comes back to the page asked for', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/portal');
    await page.getByRole('heading', { level: 1, name: '请登录企业门户' }).waitFor();
    const signIn = page.getByRole('link', { name: '通过政府采购云平台登录' });
    expect(await signIn.getAttribute('href')).toBe('/auth/login?as=supplier&return_to=%2Fportal');
    await expectAccessible(page, `/portal signed out at ${width} px`);
    await screenshot(tp, 'portal-signed-out');
    await page.goto('/portal/contracts/HT-1?tab=offers');
    expect(await page.getByRole('link', { name: '通过政府采购云平台登录' }).getAttribute('href')).toBe(
      '/auth/login?as=supplier&return_to=%2Fportal%2Fcontracts%2FHT-1%3Ftab%3Doffers',
    );
    // The session answered 401 — the expected way of saying "nobody" — and nothing else went wrong.
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });

  it('/console signed out asks bureau staff to sign in at their identity provider', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/console');
    await page.getByRole('heading', { level: 1, name: '请登录监管控制台' }).waitFor();
    expect(await page.getByRole('link', { name: '通过统一身份认证登录' }).getAttribute('href')).toBe(
      '/auth/login?as=staff&return_to=%2Fconsole',
    );
    await expectAccessible(page, `/console signed out at ${width} px`);
    await screenshot(tp, 'console-signed-out');
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });

  it('/portal signed in shows the supplier, the navigation, sign-out and 我的合同 from the real API', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    const session = await sessionOf(tp);
    const header = page.getByRole('banner');
    await header.getByText(session.name).waitFor();
    await header.getByText(session.organisation.name).waitFor();
    await header.getByText('企业', { exact: true }).waitFor();
    await header.getByRole('button', { name: '退出登录' }).waitFor();
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的合同' }).getAttribute('aria-current')).toBe('page');
    const rows = page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    // Money as the API gave it, in yuan with two decimals.
    await expect.poll(() => page.getByRole('table').getByText(/¥[\d,]+\.\d\d/).count()).toBeGreaterThan(0);
    await expectAccessible(page, `/portal signed in at ${width} px`);
    await screenshot(tp, 'portal-contracts');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('/console signed in shows the staff member, role, organisation and the overview', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150000', role: 'admin' });
    await page.getByRole('heading', { level: 1, name: '业务概览' }).waitFor();
    const header = page.getByRole('banner');
    await header.getByText('乌兰').waitFor();
    await header.getByText('管理员').waitFor();
    await header.getByText(/内蒙古自治区财政厅/).waitFor();
    // A fresh gateway has no business yet: every figure of the region is there, and zero.
    await page.getByRole('term').filter({ hasText: '批准金额' }).waitFor();
    expect(await page.getByRole('definition').allTextContents()).toContain('¥0.00');
    await page.getByRole('heading', { level: 2, name: '下级地区' }).waitFor();
    await page.getByRole('table').getByRole('row', { name: /呼和浩特市/ }).waitFor();
    await expectAccessible(page, `/console signed in at ${width} px`);
    await screenshot(tp, 'console-overview');
    expectNoProblems(tp);
    await tp.context.close();
  });
});

describe('signing out and paths no page answers', () => {
  it('退出登录 posts /auth/logout with the session’s CSRF token, ends the session and goes to /', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    const session = await sessionOf(tp);
    const posted: Record<string, string>[] = [];
    page.on('request', async (r) => {
      if (new URL(r.url()).pathname === '/auth/logout') posted.push({ method: r.method(), ...(await r.allHeaders()) });
    });
    await page.getByRole('banner').getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(gateway.url + '/');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ method: 'POST', 'x-csrf-token': session.csrf_token, origin: gateway.url });
    expect((await tp.context.cookies()).map((c) => c.name)).not.toContain('__Host-zcd_session');
    expect((await tp.context.request.get('/api/v1/session')).status()).toBe(401);
    await page.goto('/portal');
    await page.getByRole('heading', { level: 1, name: '请登录企业门户' }).waitFor();
    // Signed out on purpose: not told that the session ended.
    expect(await page.getByText('您的登录已失效', { exact: false }).count()).toBe(0);
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });

  it('a path inside an area that no page answers says so and leads back', async () => {
    const tp = await newPage(browser, gateway, 375);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.goto('/console/no-such-page');
    await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
    expect(await page.getByRole('link', { name: '返回监管控制台' }).getAttribute('href')).toBe('/console');
    await expectAccessible(page, '/console/no-such-page');
    expectNoProblems(tp);
    await tp.context.close();
  });
});

describe('the shell by keyboard alone', () => {
  it('skip link first, then through the header to the navigation, and Enter follows links', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    await page.goto('/portal');
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    expect(first).toBe('跳到主要内容');
    expect(await page.locator('.zcd-skip-link').isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // From the top again: the header's controls and the navigation are all reachable, in reading order.
    await page.goto('/portal');
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    const path = await tabTo(page, (f) => f.role === 'link' && f.name === '我的合同');
    expect(path.join(' → ')).toMatch(/跳到主要内容.*企业门户.*English.*退出登录.*我的合同/);
    // The language switch works from the keyboard and the page follows.
    await page.goto('/portal');
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    await tabTo(page, (f) => f.name === 'English');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'My contracts' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('table').getByText(/Unpaid|¥/).first().waitFor();
    await screenshot(tp, 'portal-contracts-english');
    await tabTo(page, (f) => f.name === '中文');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '我的合同' }).waitFor();
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('the landing page reaches the portal by Tab and Enter, and focus is visible', async () => {
    const tp = await newPage(browser, gateway, 375);
    const { page } = tp;
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await tabTo(page, (f) => f.role === 'link' && f.name.startsWith('企业门户'));
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/portal');
    await page.getByRole('heading', { level: 1, name: '请登录企业门户' }).waitFor();
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });
});
