import { Alert, Button, Skeleton, Table } from 'antd';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { formatCount, formatMonth } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { keyFigures } from './overview-figures.js';

type RegionRow = components['schemas']['RegionStatistics'];

/** `/console`: the bureau's region last month, from `getStatistics` — key figures and the regions below it. */
export default function OverviewPage() {
  const { t, locale } = useI18n();
  const query = $api.useQuery('get', '/api/v1/admin/statistics', {});
  const s = query.data;
  const hours = (h: number) => t('overview.hours', { h: h.toFixed(1) });

  return (
    <Page title="overview.title" area="console.name">
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('overview.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <p className="zcd-muted">
            {t('overview.scope', { region: s!.region.name, month: formatMonth(s!.period.from.slice(0, 7), locale) })}
          </p>
          <dl className="zcd-figures">
            {keyFigures(s!.total, hours, t('common.none')).map((f) => (
              <div key={f.label}>
                <dt>{t(f.label)}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
          <section className="zcd-section" aria-labelledby="by-region">
            <h2 id="by-region">{t('overview.byRegion')}</h2>
            <Table<RegionRow>
              size="small"
              rowKey={(r) => `${r.region_code}${r.own_level ? '-own' : ''}`}
              pagination={false}
              dataSource={s!.by_region}
              columns={[
                {
                  title: t('overview.region'),
                  key: 'region',
                  render: (_, r) => (r.own_level ? t('overview.ownLevel', { region: r.region_name }) : r.region_name),
                },
                { title: t('overview.applications'), dataIndex: 'applications', align: 'right', render: (n: number) => formatCount(n) },
                { title: t('overview.approvals'), dataIndex: 'approvals', align: 'right', responsive: ['sm'], render: (n: number) => formatCount(n) },
                { title: t('overview.approvedAmount'), dataIndex: 'approved_amount', align: 'right', render: (fen: number) => formatFen(fen) },
                { title: t('overview.disbursedAmount'), dataIndex: 'disbursed_amount', align: 'right', responsive: ['md'], render: (fen: number) => formatFen(fen) },
              ]}
            />
          </section>
        </>
      )}
    </Page>
  );
}
