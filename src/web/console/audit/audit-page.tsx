import { Alert, Button, Input, Skeleton, Table, Tabs } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { Page } from '../../shared/shell/page.js';

type AdminEntry = components['schemas']['AdminAuditEntry'];
type AccessEntry = components['schemas']['DataAccessPage']['items'][number];

/** Local date and time of an ISO timestamp, in China Standard Time as the bureaus read it. */
const when = (iso: string, locale: string) => new Date(iso).toLocaleString(locale, { timeZone: 'Asia/Shanghai', hour12: false });

/** A list with 上一页/下一页 over an API page token. */
function usePager() {
  const [tokens, setTokens] = useState<string[]>([]);
  return {
    token: tokens.at(-1),
    reset: () => setTokens([]),
    controls: (next: string | undefined) => (t: (k: 'common.previousPage' | 'common.nextPage') => string) => (
      <div className="zcd-pager">
        <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
          {t('common.previousPage')}
        </Button>
        <Button disabled={!next} onClick={() => next && setTokens([...tokens, next])}>
          {t('common.nextPage')}
        </Button>
      </div>
    ),
  };
}

function AdminLog() {
  const { t, locale } = useI18n();
  const [action, setAction] = useState('');
  const pager = usePager();
  const query = $api.useQuery('get', '/api/v1/admin/audit', {
    params: { query: { page_size: 50, ...(action ? { action } : {}), ...(pager.token ? { page_token: pager.token } : {}) } },
  });
  return (
    <>
      <div className="zcd-toolbar">
        <Input.Search
          aria-label={t('audit.filterAction')}
          placeholder={t('audit.filterAction')}
          allowClear
          style={{ maxWidth: 320 }}
          onSearch={(v) => {
            setAction(v.trim());
            pager.reset();
          }}
        />
      </div>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <Table<AdminEntry>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={query.data.items}
            locale={{ emptyText: t('audit.none') }}
            expandable={{
              expandedRowRender: (e) => (
                <pre className="zcd-json">{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
              ),
            }}
            columns={[
              { title: t('audit.at'), key: 'at', render: (_, e) => when(e.at, locale) },
              { title: t('audit.action'), dataIndex: 'action' },
              { title: t('audit.actor'), key: 'actor', responsive: ['sm'], render: (_, e) => e.actor_name ?? (e.actor === null ? t('audit.operator') : e.actor) },
              { title: t('audit.target'), dataIndex: 'target', responsive: ['md'] },
            ]}
          />
          {pager.controls(query.data.next_page_token)(t)}
        </>
      )}
    </>
  );
}

function AccessLog() {
  const { t, locale } = useI18n();
  const pager = usePager();
  const query = $api.useQuery('get', '/api/v1/admin/data-access', { params: { query: { page_size: 50, ...(pager.token ? { page_token: pager.token } : {}) } } });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <Alert type="error" showIcon title={t('console.loadFailed')} />;
  return (
    <>
      <Table<AccessEntry>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        dataSource={query.data.items}
        locale={{ emptyText: t('audit.none') }}
        columns={[
          { title: t('audit.at'), key: 'at', render: (_, e) => when(e.at, locale) },
          { title: t('audit.institution'), dataIndex: 'institution_name' },
          { title: t('audit.contract'), dataIndex: 'contract_no', responsive: ['sm'] },
          { title: t('audit.part'), dataIndex: 'part', responsive: ['md'] },
        ]}
      />
      {pager.controls(query.data.next_page_token)(t)}
    </>
  );
}

/** `/console/audit`: the administrative action log (`listAdminAudit`) and the data-access log of the subtree. */
export default function AuditPage() {
  const { t } = useI18n();
  return (
    <Page title="audit.title" area="console.name">
      <Tabs
        items={[
          { key: 'admin', label: t('audit.adminLog'), children: <AdminLog /> },
          { key: 'access', label: t('audit.accessLog'), children: <AccessLog /> },
        ]}
      />
    </Page>
  );
}
