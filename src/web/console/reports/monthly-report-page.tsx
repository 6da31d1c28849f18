import { Alert, Button, Skeleton, Space, Table } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, api, problemStatus } from '../../shared/api/client.js';
import { formatBasisPoints, formatCount, formatMonth } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { MonthField } from '../common/month-field.js';
import { addMonths, defaultPeriod } from '../overview/dashboard-period.js';
import { formatTenths } from '../overview/overview-figures.js';
import { saveBlob } from './save-blob.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { supervisionMessages } from '../supervision-messages.js';

addMessages(supervisionMessages);

type Row = components['schemas']['MonthlyReportRow'];
type Figures = components['schemas']['StatisticsFigures'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `/console/reports`: one month's report (`getMonthlyReport`) previewed, and downloaded as CSV or XLSX. */
export default function MonthlyReportPage() {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(() => addMonths(defaultPeriod().to, -1));
  const [download, setDownload] = useState<{ state: 'idle' | 'busy' | 'failed' }>({ state: 'idle' });
  const query = $api.useQuery('get', '/api/v1/admin/reports/monthly', { params: { query: { month } } }, { retry: false });
  const none = t('common.none');
  const hours = (h: number | null) => (h === null ? none : t('overview.hours', { h: formatTenths(h) }));

  const save = async (type: 'text/csv' | typeof XLSX) => {
    setDownload({ state: 'busy' });
    const res = await api.GET('/api/v1/admin/reports/monthly', { params: { query: { month } }, headers: { accept: type }, parseAs: 'blob' });
    if (!res.response.ok || !(res.data instanceof Blob)) {
      setDownload({ state: 'failed' });
      return;
    }
    const name = /filename="([^"]+)"/.exec(res.response.headers.get('content-disposition') ?? '')?.[1] ?? `zcd-monthly-${month}.${type === XLSX ? 'xlsx' : 'csv'}`;
    saveBlob(res.data, name);
    setDownload({ state: 'idle' });
  };

  // The operation also answers CSV and XLSX (as text); the preview asks for JSON, an object.
  const report = typeof query.data === 'object' ? query.data : undefined;
  const total = report?.total;
  const columns = [
    { title: t('report.rank'), dataIndex: 'rank', width: 64, render: (n: number | undefined) => (n === undefined ? t('report.total') : n) },
    { title: t('overview.institution'), dataIndex: 'institution_name', render: (name: string | undefined) => name ?? t('report.total') },
    { title: t('overview.applications'), dataIndex: 'applications', align: 'right' as const, render: (n: number) => formatCount(n) },
    { title: t('overview.approvals'), dataIndex: 'approvals', align: 'right' as const, render: (n: number) => formatCount(n) },
    {
      title: t('overview.approvalRate'),
      dataIndex: 'approval_rate_bp',
      align: 'right' as const,
      responsive: ['sm' as const],
      render: (bp: number | null) => (bp === null ? none : formatBasisPoints(bp)),
    },
    { title: t('overview.approvedAmount'), dataIndex: 'approved_amount', align: 'right' as const, responsive: ['md' as const], render: (fen: number) => formatFen(fen) },
    { title: t('overview.disbursedAmount'), dataIndex: 'disbursed_amount', align: 'right' as const, render: (fen: number) => formatFen(fen) },
    {
      title: t('report.medianDecision'),
      key: 'decision',
      align: 'right' as const,
      responsive: ['lg' as const],
      render: (_: unknown, r: Figures) => hours(r.hours_to_decision.median),
    },
  ];

  return (
    <Page title="report.title" area="console.name">
      <p className="zcd-muted">{t('report.explain')}</p>
      <div className="zcd-toolbar">
        <MonthField label={t('report.month')} value={month} onChange={setMonth} />
        <Space wrap>
          <Button onClick={() => void save('text/csv')} disabled={download.state === 'busy'}>
            {t('report.downloadCsv')}
          </Button>
          <Button onClick={() => void save(XLSX)} disabled={download.state === 'busy'}>
            {t('report.downloadXlsx')}
          </Button>
        </Space>
      </div>
      {download.state === 'failed' ? <Alert type="error" showIcon role="alert" title={t('report.downloadFailed')} /> : null}
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError || !report ? (
        <Alert
          type="error"
          showIcon
          title={t(problemStatus(query.error) === 403 ? 'report.forbidden' : 'report.failed')}
          action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>}
        />
      ) : (
        <section className="zcd-section" aria-labelledby="report-preview">
          <h2 id="report-preview">{t('report.preview', { region: report.region.name, month: formatMonth(report.month, locale) })}</h2>
          <Table<Row | (Figures & { rank?: undefined; institution_id?: undefined; institution_name?: undefined })>
            size="small"
            rowKey={(r) => r.institution_id ?? 'total'}
            pagination={false}
            scroll={{ x: true }}
            dataSource={[...report.institutions, ...(total ? [total] : [])]}
            caption={<span className="zcd-visually-hidden">{t('report.title')}</span>}
            columns={columns}
          />
        </section>
      )}
    </Page>
  );
}
