import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Grid, Skeleton, Space, Switch, Table, Tag } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, api } from '../../shared/api/client.js';
import { saveBlob } from '../reports/save-blob.js';
import { bandsOption, daysBands, type DaysBand } from './late-payment-bands.js';
import { latePaymentsCsv } from './late-payments-csv.js';
import { formatCount, formatDate } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { byPurchaser } from './purchaser-totals.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { supervisionMessages } from '../supervision-messages.js';

addMessages(supervisionMessages);

type LatePayment = components['schemas']['LatePayment'];

const EChart = lazy(() => import('../../shared/charts/echart.js'));

/** Pages read at most for the chart and the export (500 contracts each). */
const MAX_PAGES = 40;

/** Every late payment of the bureau's region (as filtered), page after page, for the chart and the export. */
async function allLatePayments(late: boolean): Promise<{ items: LatePayment[]; complete: boolean }> {
  const items: LatePayment[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const { data, error } = await api.GET('/api/v1/admin/late-payments', { params: { query: { late, page_size: 500, ...(token ? { page_token: token } : {}) } } });
    if (error || !data) throw new Error('listLatePayments failed');
    items.push(...data.items);
    token = data.next_page_token ?? undefined;
    if (!token) return { items, complete: true };
  }
  return { items, complete: false };
}

/** `/console/late-payments`: accepted contracts not fully paid in the bureau's region (`listLatePayments`). */
export default function LatePaymentsPage() {
  const { t, locale } = useI18n();
  const [lateOnly, setLateOnly] = useState(true);
  // On a phone five bars share about 260 px, so a band's name breaks onto two lines rather than meet the next.
  const phone = !Grid.useBreakpoint().sm;
  const [token, setToken] = useState<string | undefined>();
  const query = $api.useQuery('get', '/api/v1/admin/late-payments', {
    params: { query: { late: lateOnly, page_size: 100, ...(token ? { page_token: token } : {}) } },
  });
  const items = useMemo(() => query.data?.items ?? [], [query.data]);
  const purchasers = useMemo(() => byPurchaser(items), [items]);
  const all = useQuery({ queryKey: ['late-payments-all', lateOnly], queryFn: () => allLatePayments(lateOnly) });
  const bands = useMemo(() => daysBands(all.data?.items ?? []), [all.data]);
  const bandName = (b: DaysBand) => (b.toDay === null ? t('late.bandOpen', { from: b.fromDay }) : t('late.band', { from: b.fromDay, to: b.toDay }));
  const option = useMemo(
    () => bandsOption(bands, { band: (b) => bandName(b) + (b.pastStatutory ? ' ⚠' : ''), overdue: t('late.overdueAmount'), notYetDue: t('late.notYetDue'), amount: t('late.unpaid'), bandWidth: phone ? 50 : 72 }),
    [bands, t, phone],
  );
  const exportCsv = () => {
    if (!all.data) return;
    saveBlob(new Blob([latePaymentsCsv(all.data.items)], { type: 'text/csv;charset=utf-8' }), `zcd-late-payments-${lateOnly ? 'late' : 'unpaid'}.csv`);
  };
  return (
    <Page title="late.title" area="console.name">
      <p className="zcd-muted">{t('late.explain')}</p>
      <label className="zcd-inline-field">
        <Switch
          checked={lateOnly}
          onChange={(v) => {
            setLateOnly(v);
            setToken(undefined);
          }}
        />
        <span>{t('late.onlyLate')}</span>
      </label>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('late.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : items.length === 0 ? (
        <Empty description={t('late.none')} />
      ) : (
        <>
          <section className="zcd-section" aria-labelledby="by-days">
            <h2 id="by-days">{t('late.byDays')}</h2>
            {all.isPending ? (
              <Skeleton active />
            ) : all.isError ? (
              <Alert type="error" showIcon title={t('late.failed')} />
            ) : (
              <>
                <div className="zcd-toolbar">
                  <Button onClick={exportCsv}>{t('late.exportCsv')}</Button>
                  {!all.data.complete ? <span className="zcd-muted">{t('late.truncated', { n: all.data.items.length })}</span> : null}
                </div>
                <Suspense fallback={<Skeleton active />}>
                  <EChart option={option} label={t('late.chartLabel')} height={260} />
                </Suspense>
                <Table<DaysBand>
                  size="small"
                  rowKey="fromDay"
                  pagination={false}
                  dataSource={bands}
                  caption={<span className="zcd-visually-hidden">{t('late.byDays')}</span>}
                  columns={[
                    {
                      title: t('late.daysSince'),
                      key: 'band',
                      render: (_, b) => (
                        <>
                          {bandName(b)} {b.pastStatutory ? <Tag color="red">{t('late.pastStatutory')}</Tag> : null}
                        </>
                      ),
                    },
                    { title: t('late.contracts'), dataIndex: 'contracts', align: 'right', render: (n: number) => formatCount(n) },
                    { title: t('late.overdueAmount'), dataIndex: 'overdueFen', align: 'right', render: (n: number) => formatFen(n) },
                    { title: t('late.notYetDue'), dataIndex: 'notYetDueFen', align: 'right', responsive: ['sm'], render: (n: number) => formatFen(n) },
                  ]}
                />
              </>
            )}
          </section>
          <section className="zcd-section" aria-labelledby="by-purchaser">
            <h2 id="by-purchaser">{t('late.byPurchaser')}</h2>
            <Table
              size="small"
              rowKey="purchaser"
              pagination={false}
              dataSource={purchasers}
              columns={[
                { title: t('late.purchaser'), dataIndex: 'purchaser' },
                { title: t('late.contracts'), dataIndex: 'contracts', align: 'right', render: (n: number) => formatCount(n) },
                { title: t('late.overdueAmount'), dataIndex: 'overdueFen', align: 'right', render: (n: number) => formatFen(n) },
                { title: t('late.daysOverdue'), dataIndex: 'maxDaysOverdue', align: 'right', responsive: ['sm'] },
              ]}
            />
          </section>
          <section className="zcd-section" aria-labelledby="by-contract">
            <h2 id="by-contract">{t('late.byContract')}</h2>
            <Table<LatePayment>
              size="small"
              rowKey="contract_no"
              pagination={false}
              scroll={{ x: true }}
              dataSource={items}
              caption={<span className="zcd-visually-hidden">{t('late.byContract')}</span>}
              columns={[
                {
                  // A phone shows each contract as one block rather than a table to scroll sideways.
                  title: t('late.contract'),
                  key: 'summary',
                  responsive: ['xs'],
                  render: (_, p) => (
                    <Space orientation="vertical" size={2}>
                      <span className="zcd-strong">{p.contract_no}</span>
                      <span className="zcd-muted">{p.purchaser.name}</span>
                      <span>
                        {t('late.overdueAmount')}：{formatFen(p.overdue_amount)} · {t('late.daysOverdue')}：{t('late.dayCount', { n: p.days_overdue })}
                      </span>
                      <Tag color={p.late ? 'red' : 'default'}>{t(p.late ? 'late.late' : 'late.onTime')}</Tag>
                    </Space>
                  ),
                },
                { title: t('late.contract'), dataIndex: 'contract_no', className: 'zcd-nowrap', responsive: ['sm'] },
                { title: t('late.purchaser'), key: 'purchaser', className: 'zcd-cell-name', responsive: ['sm'], render: (_, p) => p.purchaser.name },
                { title: t('late.acceptedOn'), dataIndex: 'accepted_on', responsive: ['md'], render: (d: string) => formatDate(d, locale) },
                { title: t('late.daysSince'), dataIndex: 'days_since_acceptance', align: 'right', className: 'zcd-nowrap', responsive: ['md'], render: (n: number) => t('late.dayCount', { n }) },
                { title: t('late.paymentDays'), dataIndex: 'payment_days', align: 'right', className: 'zcd-nowrap', responsive: ['lg'], render: (n: number) => t('late.dayCount', { n }) },
                { title: t('late.overdueAmount'), dataIndex: 'overdue_amount', align: 'right', className: 'zcd-nowrap', responsive: ['sm'], render: (n: number) => formatFen(n) },
                { title: t('late.daysOverdue'), dataIndex: 'days_overdue', align: 'right', className: 'zcd-nowrap', responsive: ['sm'], render: (n: number) => t('late.dayCount', { n }) },
                {
                  title: t('late.status'),
                  key: 'late',
                  responsive: ['sm'],
                  render: (_, p) => <Tag color={p.late ? 'red' : 'default'}>{t(p.late ? 'late.late' : 'late.onTime')}</Tag>,
                },
                { title: t('late.financed'), key: 'financed', responsive: ['sm'], render: (_, p) => t(p.financed ? 'late.yes' : 'late.no') },
              ]}
            />
          </section>
          {query.data.next_page_token ? <Button onClick={() => setToken(query.data.next_page_token)}>{t('common.nextPage')}</Button> : null}
        </>
      )}
    </Page>
  );
}
