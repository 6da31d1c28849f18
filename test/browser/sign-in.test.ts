import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
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
} from './harness.js';

let gateway: BrowserGateway;
let browser: Browser;
let evil: Server;
let evilOrigin: string;
beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
  // Another origin on the same site (127.0.0.1, another port): the browser sends the Lax session cookie on
  // its cross-origin form POST, so only the gateway's Origin check stands in the way.
  const target = `${gateway.url}/api/v1/supplier/applications`;
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><title>evil</title><form method="post" action="${target}" enctype="text/plain"><input name='{"contract_no":"NMZC-HT-0000001","x":"' value='"}'><button>go</button></form>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
});

describe.each(WIDTHS)('signing in through the sandbox identity provider at %i px', (width) => {
  it('signs a supplier in from the portal, shows the company, and signs out', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/portal');
    await page.getByRole('link', { name: '通过政府采购云平台登录' }).click();
    await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
    await page.getByRole('heading', { level: 1, name: '以供应商（中小企业）身份登录' }).waitFor();
    await expectAccessible(page, `the sandbox login page for suppliers at ${width} px`);
    await screenshot(tp, 'sandbox-login-supplier');
    const first = page.getByRole('list').first().getByRole('button').first();
    const company = (await first.locator('span').first().textContent())!;
    await first.click();
    await page.waitForURL(/\/portal$/);
    await page.getByText(company).first().waitFor();
    const cookie = (await tp.context.cookies()).find((c) => c.name === '__Host-zcd_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect((await tp.context.cookies()).some((c) => c.name === '__Host-zcd_session')).toBe(false);
    await page.goto('/portal');
    await page.getByRole('link', { name: '通过政府采购云平台登录' }).waitFor();
    // The shell asks for the session while nobody is signed in: those 401s are the answer it expects.
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });

  it('signs the 150000 bureau’s admin in to the console', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/console');
    await page.getByRole('link', { name: '通过统一身份认证登录' }).click();
    await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
    await page.getByRole('heading', { level: 2, name: '内蒙古自治区财政厅' }).waitFor();
    await expectAccessible(page, `the sandbox login page for staff at ${width} px`);
    await screenshot(tp, 'sandbox-login-staff');
    await page.getByRole('button', { name: /乌兰 · 管理员/ }).click();
    await page.waitForURL(/\/console$/);
    await page.getByText('内蒙古自治区财政厅').first().waitFor();
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });

  it('tells someone the staff registry does not know that they are not authorised here, and starts no session', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await page.goto('/auth/login?as=staff&return_to=/console');
    await page.getByLabel(/其他账号标识/).fill('stranger-007');
    await page.getByRole('button', { name: '以此账号登录' }).click();
    await page.getByRole('heading', { level: 1, name: '无权在此登录' }).waitFor();
    expect(await page.locator('#error-code').textContent()).toBe('staff_not_registered');
    expect((await tp.context.cookies()).some((c) => c.name === '__Host-zcd_session')).toBe(false);
    await expectAccessible(page, `the not-authorised page at ${width} px`);
    await screenshot(tp, 'sign-in-not-authorised');
    await page.getByRole('link', { name: /返回首页/ }).click();
    await page.waitForURL((url) => url.pathname === '/');
    // The page itself answers 403, and the landing page finds nobody signed in.
    expectNoProblems(tp, [/403 \(Forbidden\)/, /401 \(Unauthorized\)/]);
    await tp.context.close();
  });
});

describe('the sandbox login page by keyboard alone', () => {
  it('reaches a supplier with Tab and signs in with Enter', async () => {
    const tp = await newPage(browser, gateway, 375);
    const { page } = tp;
    await page.goto('/auth/login?as=supplier&return_to=/portal');
    await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
    const passed = await tabTo(page, (f) => f.tag === 'BUTTON' && /有限公司/.test(f.name));
    expect(passed.length).toBeLessThanOrEqual(3);
    const focusVisible = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(focusVisible).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/portal$/);
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('types a staff subject and cancels, by keyboard', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await page.goto('/auth/login?as=staff&return_to=/console');
    await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
    await tabTo(page, (f) => f.tag === 'INPUT', 20);
    await page.keyboard.type('czt-150100-viewer');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console$/);
    await page.getByText('呼和浩特市财政局').first().waitFor();
    await page.goto('/auth/login?as=staff&return_to=/console');
    await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
    await tabTo(page, (f) => f.tag === 'BUTTON' && /取消登录/.test(f.name), 40);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '登录未完成' }).waitFor();
    expect(await page.locator('#error-code').textContent()).toBe('provider_error');
    expectNoProblems(tp, [/400 \(Bad Request\)/, /401 \(Unauthorized\)/]);
    await tp.context.close();
  });
});

describe('one browser, several people', () => {
  it('signs in as a supplier, then as staff, then as a supplier again without signing out in between', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    await signIn(page, { as: 'staff', bureau: '150100', role: 'viewer' });
    await page.getByText('呼和浩特市财政局').first().waitFor();
    await signIn(page, { as: 'supplier' });
    expect(await page.evaluate(async () => ((await (await fetch('/api/v1/session')).json()) as { kind: string }).kind)).toBe('supplier');
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });
});

describe('an expired session', () => {
  it('sends the person back to sign in, and the API no longer answers to the cookie', async () => {
    const tp = await newPage(browser, gateway, 375);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    await page.getByRole('banner').getByRole('button', { name: '退出登录' }).waitFor();
    // Half an hour and a minute without a request: past the idle timeout the gateway was started with.
    const db = createDb(parseDatabaseUrl(gateway.databaseUrl));
    try {
      const idle = Date.now() - 31 * 60_000;
      expect(await db('sessions').where({ kind: 'supplier' }).update({ last_seen_at: idle, created_at: idle })).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
    await page.goto('/portal');
    await page.getByRole('link', { name: '通过政府采购云平台登录' }).waitFor();
    // The page says why sign-in is asked again, which a first visit does not.
    await page.getByText('您的登录已失效（长时间未操作，或已在别处退出），请重新登录。').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(status).toBe(401);
    await expectAccessible(page, 'the sign-in prompt after the session ended');
    await screenshot(tp, 'session-expired');
    // Going to sign in forgets it: back without signing in, the prompt is the plain one.
    await page.getByRole('link', { name: '通过政府采购云平台登录' }).click();
    await page.goto('/portal');
    await page.getByRole('link', { name: '通过政府采购云平台登录' }).waitFor();
    expect(await page.getByText('您的登录已失效', { exact: false }).count()).toBe(0);
    expectNoProblems(tp, [/401 \(Unauthorized\)/]);
    await tp.context.close();
  });
});

describe('a cross-site request with the session cookie', () => {
  it('is refused (403 origin_mismatch) and the session stays', async () => {
    const tp = await newPage(browser, gateway, 1280);
    const { page } = tp;
    await signIn(page, { as: 'supplier' });
    const other = await tp.context.newPage();
    await other.goto(evilOrigin);
    const [answer] = await Promise.all([
      other.waitForResponse((r) => r.url().startsWith(`${gateway.url}/api/v1/supplier/applications`)),
      other.getByRole('button', { name: 'go' }).click(),
    ]);
    expect(answer.request().headers()['cookie'] ?? (await answer.request().allHeaders())['cookie']).toMatch(/__Host-zcd_session=/);
    expect(answer.status()).toBe(403);
    expect((await answer.json()).code).toBe('origin_mismatch');
    const session = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(session).toBe(200);
    await tp.context.close();
  });
});
