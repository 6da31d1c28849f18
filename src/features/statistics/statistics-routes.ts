import { DomainError } from '../../errors.js';
import { bureauOf } from '../../http/principal-of.js';
import { defineRoute } from '../../http/route.js';
import { monthlyReportCsv } from './monthly-report-csv.js';
import { monthlyReportXlsx, XLSX_TYPE } from './monthly-report-xlsx.js';
import { datePeriod, monthPeriod } from './period.js';
import type { StatisticsService } from './statistics-service.js';
import { dashboardDto, dashboardQuery, monthlyReportDto, monthlyReportQuery, statisticsDto, statisticsQuery } from './statistics-schemas.js';

/** The bureaus' statistics and monthly report. */
export function createStatisticsRoutes({ statistics }: { statistics: StatisticsService }) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/statistics',
      operationId: 'getStatistics',
      access: { scope: 'admin', role: 'viewer' },
      query: statisticsQuery,
      handler: async ({ query, principal }) => {
        const period =
          query.from !== undefined && query.to !== undefined
            ? datePeriod(query.from, query.to)
            : monthPeriod(query.month ?? statistics.previousMonth());
        return statisticsDto(await statistics.statistics(bureauOf(principal), query.region, period));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/statistics/dashboard',
      operationId: 'getDashboard',
      access: { scope: 'admin', role: 'viewer' },
      query: dashboardQuery,
      handler: async ({ query, principal }) => dashboardDto(await statistics.dashboard(bureauOf(principal), query)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/reports/monthly',
      operationId: 'getMonthlyReport',
      access: { scope: 'admin', role: 'reviewer' },
      query: monthlyReportQuery,
      handler: async ({ query, principal, req, res }) => {
        res.vary('Accept');
        const type = req.accepts(['application/json', 'text/csv', XLSX_TYPE]);
        if (type === false) {
          throw new DomainError(406, 'not_acceptable', `The report is available as application/json, text/csv or ${XLSX_TYPE}.`);
        }
        const report = await statistics.monthlyReport(bureauOf(principal), query.region, query.month);
        if (type === 'application/json') return monthlyReportDto(report);
        if (type === XLSX_TYPE) {
          res.setHeader('Content-Disposition', `attachment; filename="zcd-monthly-${report.region.code}-${report.month}.xlsx"`);
          res.status(200).type(XLSX_TYPE).send(await monthlyReportXlsx(report));
          return undefined;
        }
        res.setHeader('Content-Disposition', `attachment; filename="zcd-monthly-${report.region.code}-${report.month}.csv"`);
        res.status(200).type('text/csv; charset=utf-8').send(monthlyReportCsv(report));
        return undefined;
      },
    }),
  ];
}
