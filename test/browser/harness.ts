// The browser tests' kit, shared by every page's tests (sign-in, portal, console): a real `zcd serve` on a free
// port with a fresh database, Debian's Chromium driven by playwright-core, and the checks every page gets —
// no console error or CSP violation, axe-core without serious or critical issues, a screenshot per width.
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot, spawnZcd, waitForLine } from '../helpers/cli.js';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. Never a browser Playwright downloads. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in CI: no sandbox (root in a container), no GPU, nothing fetched from outside. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
] as const;

/** The widths every page is checked at: a phone and a laptop. */
export const WIDTHS = [375, 1280] as const;

/** Where screenshots go (git-ignored). */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screenshots');

/** A `zcd serve` started for a test file. */
export interface BrowserGateway {
  /** Base URL the browser uses, e.g. `http://127.0.0.1:40123` (also the gateway's `ISSUER_URL`). */
  url: string;
  /** The database it serves (`sqlite:…` or `postgres://…`). */
  databaseUrl: string;
  /** The last lines the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/**
 * Starts a real `zcd serve` (sandbox cloud and, once it exists, the sandbox identity provider) on a free
 * loopback port with a fresh database, and waits until it listens. The built web app must exist
 * (`npm run build`); `env` adds or overrides environment variables.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<BrowserGateway> {
  if (!existsSync(join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is missing: run `npm run build` (npm install does) before the browser tests');
  }
  const db: TestDatabase = await freshDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawnZcd(['serve'], {
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER_URL: url,
    LOG_LEVEL: 'info',
    ...env,
  });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForLine(child, /zcd-gateway listening/, 60_000);
  } catch (e) {
    child.kill('SIGKILL');
    await db.dispose();
    throw e;
  }
  // Keep reading, or a full pipe would stall the server's logging.
  child.stdout!.on('data', keep);
  return {
    url,
    databaseUrl: db.url,
    output: () => lines.join('\n'),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await db.dispose();
    },
  };
}

/** Launches Debian's Chromium headless; Playwright gives each launch a fresh, temporary user-data directory. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
}

/** A page in a fresh browser context (its own cookies), with what went wrong in it collected. */
export interface TestPage {
  page: Page;
  context: BrowserContext;
  width: number;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  problems: string[];
}

/**
 * Opens a page of `width` × 800 in a new context with Chinese as the browser language. Every console error,
 * uncaught exception and Content-Security-Policy violation is collected in `problems`.
 */
export async function newPage(browser: Browser, gateway: BrowserGateway, width: number): Promise<TestPage> {
  const context = await browser.newContext({
    baseURL: gateway.url,
    viewport: { width, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  const problems: string[] = [];
  await context.exposeBinding('__zcdCspViolation', (_source, text: string) => {
    problems.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __zcdCspViolation(text: string): void }).__zcdCspViolation;
      void report(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`);
    });
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  return { page, context, width, problems };
}

/** Fails with the collected problems unless there were none (after `allow` filters expected ones out). */
export function expectNoProblems(tp: TestPage, allow: RegExp[] = []): void {
  const left = tp.problems.filter((p) => !allow.some((a) => a.test(p)));
  expect(left, `problems in the page at ${tp.width} px`).toEqual([]);
}

/** Runs axe-core (WCAG 2.1 A/AA and best practices) and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Colours in the middle of a CSS transition (a button turning enabled) are not what a person reads: let
  // running transitions end first, as a person would see the page (bounded; endless animations are not waited for).
  await page
    .waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running'), undefined, { timeout: 2_000 })
    .catch(() => undefined);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(bad, `axe-core on ${what}`).toEqual([]);
}

/** Saves a full-page screenshot as `test-results/screenshots/<name>-<width>.png`; returns its path. */
export async function screenshot(tp: TestPage, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}-${tp.width}.png`);
  await tp.page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Presses Tab until the focused element matches `accept` (by its accessible role and name), at most `max` times;
 * returns the names passed on the way. For keyboard-only tests: nothing is clicked.
 */
export async function tabTo(page: Page, accept: (focused: { role: string; name: string; tag: string }) => boolean, max = 30): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { role: '', name: '', tag: '' };
      const role = el.getAttribute('role') ?? (el.tagName === 'A' ? 'link' : el.tagName === 'BUTTON' ? 'button' : el.tagName.toLowerCase());
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
      return { role, name, tag: el.tagName };
    });
    seen.push(`${focused.role} "${focused.name}"`);
    if (accept(focused)) return seen;
  }
  throw new Error(`focus never reached the element after ${max} Tab presses; went through: ${seen.join(' → ')}`);
}

/** What a person sees after pressing a button that opens something below: `target` has the focus and is on screen. */
export async function expectFocusedInView(page: Page, target: Locator, what: string): Promise<void> {
  await expect.poll(() => target.evaluate((el) => el === document.activeElement), { message: `${what} has the focus` }).toBe(true);
  const box = (await target.boundingBox())!;
  const height = page.viewportSize()!.height;
  expect(box.y, `${what} is on screen`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} is on screen`).toBeLessThanOrEqual(height);
}

/** Picks `month` (`YYYY-MM`) in the console's month field named `label`: its year list, then its month list. */
export async function chooseMonth(page: Page, label: string, month: string): Promise<void> {
  const [year, m] = month.split('-') as [string, string];
  await page.getByRole('combobox', { name: `${label}：年` }).selectOption(year);
  await page.getByRole('combobox', { name: `${label}：月` }).selectOption(m);
}

/** The month (`YYYY-MM`) the console's month field named `label` shows. */
export async function chosenMonth(page: Page, label: string): Promise<string> {
  const year = await page.getByRole('combobox', { name: `${label}：年` }).inputValue();
  return `${year}-${await page.getByRole('combobox', { name: `${label}：月` }).inputValue()}`;
}

/** Who to sign in as through the sandbox identity provider. */
export type SignInAs =
  | { as: 'supplier'; /** A seeded supplier's USCC; the first on the provider's list when not given. */ uscc?: string }
  | { as: 'staff'; /** The demo bureau, 150000 or 150100. */ bureau?: '150000' | '150100'; role?: 'admin' | 'reviewer' | 'viewer' };

/**
 * Signs `page` in through the sandbox identity provider's login page, as a person would, and waits until it
 * lands on `/portal` (suppliers) or `/console` (staff). A supplier is the first one the page lists unless
 * `uscc` names another sandbox supplier; staff are the demo bureaus' members (`czt-<bureau>-<role>`, 150000
 * admin unless said otherwise).
 */
export async function signIn(page: Page, who: SignInAs): Promise<void> {
  const area = who.as === 'supplier' ? '/portal' : '/console';
  await page.goto(`/auth/login?as=${who.as}&return_to=${area}`);
  await page.waitForURL(/\/sandbox\/oidc\/interaction\//);
  if (who.as === 'supplier' && who.uscc !== undefined) {
    await page.getByLabel(/其他沙箱供应商的统一社会信用代码/).fill(who.uscc);
    await page.getByRole('button', { name: '以此供应商登录' }).click();
  } else if (who.as === 'supplier') {
    await page.getByRole('list').first().getByRole('button').first().click();
  } else {
    await page.getByRole('button', { name: new RegExp(`czt-${who.bureau ?? '150000'}-${who.role ?? 'admin'}$`) }).click();
  }
  await page.waitForURL((url) => url.pathname === area);
}
