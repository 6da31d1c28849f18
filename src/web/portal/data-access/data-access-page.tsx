import { Alert, Button, Empty, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { Page } from '../../shared/shell/page.js';
import { PART_LABEL } from '../contracts/contract-page.js';
import { formatDateTime } from '../portal-format.js';

type Entry = components['schemas']['DataAccessEntry'];
const PAGE_SIZE = 50;

/** `/portal/data-access`: 数据查询记录 — every read of the supplier's contract data by a bank (`listDataAccess`). */
export default function DataAccessPage() {
  const { t, locale } = useI18n();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];
  const query = $api.useQuery('get', '/api/v1/supplier/data-access', {
    params: { query: { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } },
  });
  const next = query.data?.next_page_token;
  const columns: TableColumnsType<Entry> = [
    { title: t('dataAccess.column.at'), dataIndex: 'at', className: 'zcd-nowrap', render: (iso: string) => formatDateTime(iso, locale) },
    { title: t('dataAccess.column.bank'), dataIndex: 'institution_name' },
    { title: t('dataAccess.column.contract'), dataIndex: 'contract_no', responsive: ['sm'] },
    { title: t('dataAccess.column.part'), dataIndex: 'part', render: (p: Entry['part']) => t(PART_LABEL[p]) },
    { title: t('dataAccess.column.consent'), dataIndex: 'consent_expires_at', responsive: ['md'], render: (iso: string) => formatDateTime(iso, locale) },
  ];
  return (
    <Page title="dataAccess.title" area="portal.name">
      <p>{t('dataAccess.explain')}</p>
      {query.isError ? (
        <Alert type="error" showIcon title={t('dataAccess.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <Table<Entry>
          rowKey="id"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          pagination={false}
          locale={{ emptyText: <Empty description={t('dataAccess.empty')} /> }}
        />
      )}
      {(tokens.length > 1 || next) && (
        <nav className="zcd-pager" aria-label={t('dataAccess.pages')}>
          <Button disabled={tokens.length === 1} onClick={() => setTokens((s) => s.slice(0, -1))}>
            {t('common.previousPage')}
          </Button>
          <span className="zcd-muted">{t('common.pageNumber', { n: tokens.length })}</span>
          <Button disabled={!next} onClick={() => next && setTokens((s) => [...s, next])}>
            {t('common.nextPage')}
          </Button>
        </nav>
      )}
    </Page>
  );
}
