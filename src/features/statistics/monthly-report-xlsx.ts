import { figureValues, TOTAL_LABEL } from './monthly-report-csv.js';
import type { MonthlyReport } from './statistics-service.js';

/** The XLSX media type. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The sheet's Chinese headers, in the order of the CSV columns. */
export const MONTHLY_REPORT_HEADERS_ZH = [
  '排名',
  '机构编号',
  '机构名称',
  '申请笔数',
  '中小企业申请笔数',
  '中小企业占比（基点）',
  '申请金额（分）',
  '批准笔数',
  '批准金额（分）',
  '拒绝笔数',
  '拒绝原因',
  '批准率（基点）',
  '放款笔数',
  '放款金额（分）',
  '还款金额（分）',
  '贷款余额（分）',
  '已计时审批笔数',
  '审批时长中位数（小时）',
  '审批时长P90（小时）',
  '已计时放款笔数',
  '放款时长中位数（小时）',
  '放款时长P90（小时）',
  '超过政策时限次数',
] as const;

/** The name of the one sheet. */
export const MONTHLY_REPORT_SHEET = '月度报告';

/**
 * The monthly report as an XLSX workbook: a title row, the Chinese header row, one row per institution by rank
 * and the 合计 row, with the CSV's columns (figureValues). A string cell (names come from institutions) is written
 * as text, never as a formula. Amounts are whole fen as numbers (no rounding, no floats beyond the hours' one decimal).
 */
export async function monthlyReportXlsx(r: MonthlyReport): Promise<Buffer> {
  // exceljs is large: loaded on the first XLSX asked for, so that neither the gateway nor any zcd command pays for it at start.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'zcd-gateway';
  // A fixed time keeps the file the same for the same report.
  book.created = new Date(r.period.end);
  book.modified = book.created;
  const sheet = book.addWorksheet(MONTHLY_REPORT_SHEET, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([`${r.region.name}（${r.region.code}）政府采购合同融资月度报告 ${r.month}`]);
  sheet.getRow(1).font = { bold: true };
  sheet.addRow([...MONTHLY_REPORT_HEADERS_ZH]);
  sheet.getRow(2).font = { bold: true };
  for (const i of r.institutions) sheet.addRow([i.rank, i.institutionId, i.institutionName, ...figureValues(i)]);
  sheet.addRow([null, null, TOTAL_LABEL, ...figureValues(r.total)]);
  sheet.columns.forEach((c, k) => {
    c.width = k === 2 ? 32 : k === 1 ? 40 : 14;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
