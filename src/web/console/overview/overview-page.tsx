import { Alert, Button, Empty, Skeleton, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table/index.js';
import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { formatBasisPoints, formatCount, formatMonth } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { MonthField } from '../common/month-field.js';
import { hoursOption, institutionOption, regionChartHeight, regionOption, trendOption, type DashboardChartLabels } from './dashboard-charts.js';
import { defaultPeriod, periodProblem } from './dashboard-period.js';
import { formatTenths, keyFigures } from './overview-figures.js';

// The chart code is a chunk of its own, fetched once the figures are there: the console's first load stays small.
const EChart = lazy(() => import('../../shared/charts/echart.js'));

type Dashboard = components['schemas']['Dashboard'];
type Level = components['schemas']['RegionLevel'];
type Figures = components['schemas']['DashboardFigures'];
const LEVELS: readonly Level[] = ['region', 'league', 'county'];

/** `/console`: the dashboard of the staff member's region (`getDashboard`) — figures, charts and their tables. */
export default function OverviewPage() {
  const { t, locale } = useI18n();
  const [period, setPeriod] = useState(defaultPeriod);
  const [level, setLevel] = useState<Level | undefined>();
  const problem = periodProblem(period.from, period.to);
  const query = $api.useQuery(
    'get',
    '/api/v1/admin/statistics/dashboard',
    { params: { query: { from: period.from, to: period.to, ...(level ? { level } : {}) } } },
    { enabled: problem === undefined, placeholderData: (previous) => previous },
  );
  const d = query.data;
  const hours = (h: number) => t('overview.hours', { h: formatTenths(h) });
  const none = t('common.none');
  const labels: DashboardChartLabels = useMemo(
    () => ({
      applications: t('overview.applications'),
      approvals: t('overview.approvals'),
      disbursements: t('overview.disbursements'),
      count: t('overview.count'),
      month: (m) => formatMonth(m, locale),
      band: (from, to) => (to === null ? t('overview.bandOpen', { from }) : t('overview.band', { from, to })),
      region: (name, own) => (own ? t('overview.ownLevel', { region: name }) : name),
    }),
    [t, locale],
  );
  const options = useMemo(
    () => (d ? { trend: trendOption(d, labels), region: regionOption(d, labels), institution: institutionOption(d, labels), hours: hoursOption(d, labels) } : undefined),
    [d, labels],
  );
  const figureColumns = <T extends Figures>(): ColumnsType<T> => [
    { title: t('overview.applications'), dataIndex: 'applications', align: 'right', render: (n: number) => formatCount(n) },
    { title: t('overview.approvals'), dataIndex: 'approvals', align: 'right', render: (n: number) => formatCount(n) },
    { title: t('overview.approvalRate'), dataIndex: 'approval_rate_bp', align: 'right', responsive: ['sm'], render: (bp: number | null) => (bp === null ? none : formatBasisPoints(bp)) },
    { title: t('overview.approvedAmount'), dataIndex: 'approved_amount', align: 'right', responsive: ['md'], render: (fen: number) => formatFen(fen) },
    { title: t('overview.disbursedAmount'), dataIndex: 'disbursed_amount', align: 'right', render: (fen: number) => formatFen(fen) },
    { title: t('overview.avgHoursToFunds'), dataIndex: 'average_hours_to_disbursement', align: 'right', responsive: ['lg'], render: (h: number | null) => (h === null ? none : hours(h)) },
  ];

  return (
    <Page title="overview.title" area="console.name">
      <div className="zcd-toolbar zcd-dash-controls">
        <div role="group" aria-labelledby="dash-level">
          <span id="dash-level" className="zcd-dash-label">
            {t('overview.level')}
          </span>
          {/* Toggle buttons (aria-pressed) rather than a radio group: the console's first page stays within its budget. */}
          <div className="zcd-dash-levels">
            {LEVELS.filter((l) => !d || LEVELS.indexOf(l) >= LEVELS.indexOf(d.region.level)).map((l) => {
              const on = (level ?? d?.level) === l;
              return (
                <Button key={l} type={on ? 'primary' : 'default'} aria-pressed={on} onClick={() => setLevel(l)}>
                  {t(`overview.level.${l}`)}
                </Button>
              );
            })}
          </div>
        </div>
        <MonthField label={t('overview.from')} value={period.from} onChange={(from) => setPeriod((p) => ({ ...p, from }))} />
        <MonthField label={t('overview.to')} value={period.to} onChange={(to) => setPeriod((p) => ({ ...p, to }))} />
      </div>
      {problem ? (
        <Alert type="warning" showIcon role="alert" title={t('overview.badPeriod')} />
      ) : query.isPending ? (
        <Skeleton active />
      ) : query.isError || !d || !options ? (
        <Alert type="error" showIcon title={t('overview.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <div aria-busy={query.isFetching}>
          <p className="zcd-muted">{t('overview.dashScope', { region: d.region.name, from: formatMonth(d.from, locale), to: formatMonth(d.to, locale) })}</p>
          <dl className="zcd-figures" aria-label={t('overview.title')}>
            {keyFigures(d.total, hours, none).map((f) => (
              <div key={f.label}>
                <dt>{t(f.label)}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>

          <ChartSection id="dash-trend" title={t('overview.trend')} chart={<EChart option={options.trend} label={t('overview.trendLabel', { from: formatMonth(d.from, locale), to: formatMonth(d.to, locale) })} height={280} />}>
            <Table<Dashboard['by_month'][number]>
              size="small"
              rowKey="month"
              pagination={false}
              dataSource={d.by_month}
              caption={<span className="zcd-visually-hidden">{t('overview.trend')}</span>}
              columns={[{ title: t('overview.month'), dataIndex: 'month', render: (m: string) => formatMonth(m, locale) }, ...figureColumns<Dashboard['by_month'][number]>()]}
            />
          </ChartSection>

          <ChartSection
            id="dash-region"
            title={t('overview.byRegion')}
            chart={<EChart option={options.region} label={t('overview.regionLabel')} height={regionChartHeight(d)} />}
          >
            <Table<Dashboard['by_region'][number]>
              size="small"
              rowKey={(r) => `${r.region_code}${r.own_level ? '-own' : ''}`}
              pagination={false}
              dataSource={d.by_region}
              caption={<span className="zcd-visually-hidden">{t('overview.byRegion')}</span>}
              columns={[
                { title: t('overview.region'), key: 'region', render: (_, r) => labels.region(r.region_name, r.own_level) },
                ...figureColumns<Dashboard['by_region'][number]>(),
              ]}
            />
          </ChartSection>

          {d.by_institution.length === 0 ? (
            <section className="zcd-section" aria-labelledby="dash-institution">
              <h2 id="dash-institution">{t('overview.byInstitution')}</h2>
              <Empty description={t('overview.noInstitutions')} />
            </section>
          ) : (
            <ChartSection id="dash-institution" title={t('overview.byInstitution')} chart={<EChart option={options.institution} label={t('overview.institutionLabel')} height={280} />}>
              <Table<Dashboard['by_institution'][number]>
                size="small"
                rowKey="institution_id"
                pagination={false}
                dataSource={d.by_institution}
                caption={<span className="zcd-visually-hidden">{t('overview.byInstitution')}</span>}
                columns={[{ title: t('overview.institution'), dataIndex: 'institution_name' }, ...figureColumns<Dashboard['by_institution'][number]>()]}
              />
            </ChartSection>
          )}

          <ChartSection id="dash-hours" title={t('overview.hoursToFunds')} chart={<EChart option={options.hours} label={t('overview.hoursLabel')} height={240} />}>
            <Table<Dashboard['hours_to_disbursement'][number]>
              size="small"
              rowKey="from_hours"
              pagination={false}
              dataSource={d.hours_to_disbursement}
              caption={<span className="zcd-visually-hidden">{t('overview.hoursToFunds')}</span>}
              columns={[
                { title: t('overview.band.title'), key: 'band', render: (_, b) => labels.band(b.from_hours, b.to_hours) },
                { title: t('overview.disbursements'), dataIndex: 'count', align: 'right', render: (n: number) => formatCount(n) },
              ]}
            />
          </ChartSection>
        </div>
      )}
    </Page>
  );
}

/** A chart with its figures as a table beneath it: the table is the chart's text alternative. */
function ChartSection({ id, title, chart, children }: { id: string; title: string; chart: ReactNode; children: ReactNode }) {
  return (
    <section className="zcd-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <Suspense fallback={<Skeleton active />}>{chart}</Suspense>
      {children}
    </section>
  );
}
