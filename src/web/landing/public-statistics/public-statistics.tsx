import { Alert, Empty, Skeleton, Table } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { $api } from '../../shared/api/client.js';
import { formatFen } from '../../shared/money.js';
import { formatCount, formatMonth } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { hasPublishedFigures, monthlyTotals, type MonthTotals } from './monthly-totals.js';
import { statisticsChartOption } from './statistics-chart-option.js';

// The chart code arrives only when there is something to draw.
const EChart = lazy(() => import('../../shared/charts/echart.js'));

const figure = (n: number | null, withheld: string) => (n === null ? withheld : formatCount(n));

/** The published statistics (`getPublicStatistics`): a chart by month and the same figures as a table. */
export function PublicStatistics() {
  const { t, locale } = useI18n();
  const query = $api.useQuery('get', '/api/v1/public/statistics', {}, { staleTime: 300_000 });
  const months = useMemo(() => monthlyTotals(query.data?.items ?? []), [query.data]);
  const option = useMemo(
    () =>
      statisticsChartOption(months, {
        applications: t('stats.applications'),
        approvals: t('stats.approvals'),
        disbursements: t('stats.disbursements'),
        count: t('stats.count'),
        month: (m) => formatMonth(m, locale),
      }),
    [months, t, locale],
  );

  if (query.isPending) return <Skeleton active aria-busy="true" />;
  if (query.isError) return <Alert type="warning" showIcon title={t('stats.failed')} />;
  if (!hasPublishedFigures(months)) {
    return <Empty description={t('stats.none', { min: query.data.min_cell })} />;
  }
  const withheld = t('stats.withheld');
  const first = months[0]!.month;
  const last = months[months.length - 1]!.month;
  return (
    <>
      <p className="zcd-muted">{t('stats.explain', { from: formatMonth(first, locale), to: formatMonth(last, locale), min: query.data.min_cell })}</p>
      <Suspense fallback={<Skeleton active />}>
        <EChart option={option} label={t('stats.chartLabel', { from: formatMonth(first, locale), to: formatMonth(last, locale) })} />
      </Suspense>
      <Table<MonthTotals>
        size="small"
        rowKey="month"
        pagination={false}
        dataSource={months}
        caption={<span className="zcd-visually-hidden">{t('stats.tableCaption')}</span>}
        columns={[
          { title: t('stats.month'), dataIndex: 'month', render: (m: string) => formatMonth(m, locale) },
          { title: t('stats.applications'), dataIndex: 'applications', align: 'right', render: (n: number | null) => figure(n, withheld) },
          { title: t('stats.approvals'), dataIndex: 'approvals', align: 'right', responsive: ['sm'], render: (n: number | null) => figure(n, withheld) },
          { title: t('stats.disbursements'), dataIndex: 'disbursements', align: 'right', responsive: ['md'], render: (n: number | null) => figure(n, withheld) },
          {
            title: t('stats.disbursedAmount'),
            dataIndex: 'disbursedAmount',
            align: 'right',
            render: (n: number | null) => (n === null ? withheld : formatFen(n)),
          },
        ]}
      />
    </>
  );
}
