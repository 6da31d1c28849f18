import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseMonth, chosenMonth, expectAccessible, expectNoProblems, launchBrowser, newPage, screenshot, signIn, startGateway, WIDTHS, type BrowserGateway } from './harness.js';

let gateway: BrowserGateway;
let browser: Browser;
beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ SYNC_INTERVAL_MS: '0' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

/** Clicks `button` and reads the file the page hands to the browser. */
async function downloaded(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

interface Report {
  month: string;
  region: { name: string };
  total: { applications: number; approvals: number };
  institutions: { institution_name: string; applications: number }[];
}

describe.each(WIDTHS)('the console’s report and payment-discipline downloads at %i px', (width) => {
  it('月度报告: the preview shows the API’s report, and the CSV and Excel downloads are the API’s files', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150000', role: 'reviewer' });
    await page.goto('/console/reports');
    await page.getByRole('heading', { level: 1, name: '月度业务报告' }).waitFor();
    const month = await chosenMonth(page, '报告月份');
    expect(month).toMatch(/^\d{4}-\d{2}$/);
    const report = (await (await tp.context.request.get(`/api/v1/admin/reports/monthly?month=${month}`)).json()) as Report;

    // The preview's total row carries the report's totals.
    const totalRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '合计', exact: true }) }).last();
    await totalRow.waitFor();
    const cells = await totalRow.getByRole('cell').allInnerTexts();
    expect(cells).toContain(report.total.applications.toLocaleString('en-US'));
    for (const i of report.institutions) await page.getByRole('cell', { name: i.institution_name }).first().waitFor();

    const csv = await downloaded(page, '下载 CSV');
    expect(csv.name).toMatch(/\.csv$/);
    const apiCsv = await (await tp.context.request.get(`/api/v1/admin/reports/monthly?month=${month}`, { headers: { accept: 'text/csv' } })).body();
    expect(csv.bytes.equals(apiCsv)).toBe(true);

    const xlsx = await downloaded(page, '下载 Excel');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.length).toBeGreaterThan(0);
    const texts = book.worksheets.flatMap((ws) => ws.getSheetValues().flat().map((v) => String(v ?? '')));
    for (const i of report.institutions) expect(texts).toContain(i.institution_name);

    // Another month, chosen from the two lists, is the report the page asks for.
    await chooseMonth(page, '报告月份', `${Number(month.slice(0, 4)) - 1}-01`);
    await page.getByRole('heading', { level: 2, name: `${report.region.name} · ${Number(month.slice(0, 4)) - 1}年1月` }).waitFor();

    await expectAccessible(page, `/console/reports at ${width} px`);
    await screenshot(tp, 'console-reports');
    expectNoProblems(tp);
    await tp.context.close();
  });

  it('付款监督: the chart has its text alternative, and the CSV export lists what the API lists', async () => {
    const tp = await newPage(browser, gateway, width);
    const { page } = tp;
    await signIn(page, { as: 'staff', bureau: '150000', role: 'viewer' });
    await page.goto('/console/late-payments');
    await page.getByRole('heading', { level: 1, name: '采购人付款监督' }).waitFor();
    const body = (await (await tp.context.request.get('/api/v1/admin/late-payments?late=true&page_size=500')).json()) as { items: { contract_no: string }[] };
    if (!body.items.length) {
      await page.getByText('没有符合条件的合同。').waitFor();
    } else {
      await page.getByRole('heading', { level: 2, name: '按验收后天数的未付金额' }).waitFor();
      await page.getByRole('img', { name: /^堆叠柱状图/ }).waitFor();
      const csv = await downloaded(page, '导出 CSV');
      expect(csv.name).toMatch(/\.csv$/);
      const text = csv.bytes.toString('utf8');
      for (const item of body.items) expect(text).toContain(item.contract_no);
      await screenshot(tp, 'console-late-payments-chart');
    }
    await expectAccessible(page, `/console/late-payments with its chart at ${width} px`);
    expectNoProblems(tp);
    await tp.context.close();
  });
});
