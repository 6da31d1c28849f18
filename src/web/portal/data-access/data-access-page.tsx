import { Alert, Button, Empty, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { Page } from '../../shared/shell/page.js';
import { PART_LABEL } from '../contracts/contract-page.js';
import { formatDateTime } from '../portal-format.js';
import '../portal-page-messages.js';
import { verifyEntry, verifyTreeHead, type Verdict } from './audit-verify.js';

type Entry = components['schemas']['DataAccessEntry'];
const PAGE_SIZE = 50;

const VERDICT: Record<Verdict, { label: MessageKey; color: string }> = {
  verified: { label: 'dataAccess.verdict.verified', color: 'blue' },
  pending: { label: 'dataAccess.verdict.pending', color: 'default' },
  failed: { label: 'dataAccess.verdict.failed', color: 'red' },
};

/**
 * Each entry's verdict, worked out here: the latest signed tree head, its signature checked against the gateway's
 * published keys, and for every entry inside it the inclusion proof to that same head, checked with WebCrypto.
 */
function useVerdicts(entries: readonly Entry[]) {
  // Until every entry is inside a signed head, ask for the latest head again every two seconds.
  const head = $api.useQuery('get', '/api/v1/public/audit/tree-head', {}, {
    retry: false,
    refetchInterval: (q) => (entries.some((e) => e.leaf_index === null || e.leaf_index >= (q.state.data?.tree_size ?? 0)) ? 2_000 : false),
  });
  const jwks = $api.useQuery('get', '/.well-known/jwks.json');
  const h = head.data;
  return useQuery({
    queryKey: ['audit-verdicts', h?.tree_size ?? 0, entries.map((e) => `${e.id}:${e.leaf_index ?? ''}`).join(',')],
    enabled: (head.isSuccess || head.isError) && jwks.isSuccess && entries.length > 0,
    staleTime: Infinity,
    queryFn: async () => {
      const signed = h && jwks.data ? await verifyTreeHead(h, jwks.data) : false;
      // Every proof against the same head, asked for at once.
      const verdicts = await Promise.all(
        entries.map(async (e) => {
          const inside = h && e.leaf_index !== null && e.leaf_index < h.tree_size;
          const proof = inside
            ? (await api.GET('/api/v1/audit/inclusion-proof', { params: { query: { leaf_index: e.leaf_index!, tree_size: h.tree_size } } })).data
            : undefined;
          return [e.id, await verifyEntry(e, h, signed, proof)] as const;
        }),
      );
      return new Map<number, Verdict>(verdicts);
    },
  });
}

/** `/portal/data-access`: 数据查询记录 — every read of the supplier's contract data by a bank, each checked against the audit log. */
export default function DataAccessPage() {
  const { t, locale } = useI18n();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];
  const query = $api.useQuery(
    'get',
    '/api/v1/supplier/data-access',
    { params: { query: { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } } },
    // An entry joins the audit tree within about a second: ask again until every one has its leaf.
    { refetchInterval: (q) => (q.state.data?.items.some((e) => e.leaf_index === null) ? 2_000 : false) },
  );
  const items = query.data?.items ?? [];
  const verdicts = useVerdicts(items);
  const next = query.data?.next_page_token;
  const verdict = (e: Entry) => {
    const v = verdicts.data?.get(e.id);
    return v ? <Tag color={VERDICT[v].color}>{t(VERDICT[v].label)}</Tag> : <span className="zcd-muted">{t('dataAccess.verdict.checking')}</span>;
  };
  const columns: TableColumnsType<Entry> = [
    {
      // A phone shows each read as one block: when, who, what, and the check.
      title: t('dataAccess.column.bank'),
      key: 'summary',
      responsive: ['xs'],
      render: (_, e) => (
        <Space orientation="vertical" size={2}>
          <span className="zcd-strong">{e.institution_name}</span>
          <span>{t(PART_LABEL[e.part])}</span>
          <span className="zcd-muted">{formatDateTime(e.at, locale)}</span>
          {verdict(e)}
        </Space>
      ),
    },
    { title: t('dataAccess.column.at'), dataIndex: 'at', className: 'zcd-nowrap', responsive: ['sm'], render: (iso: string) => formatDateTime(iso, locale) },
    { title: t('dataAccess.column.bank'), dataIndex: 'institution_name', responsive: ['sm'] },
    { title: t('dataAccess.column.contract'), dataIndex: 'contract_no', responsive: ['sm'] },
    { title: t('dataAccess.column.part'), dataIndex: 'part', responsive: ['sm'], render: (p: Entry['part']) => t(PART_LABEL[p]) },
    { title: t('dataAccess.column.consent'), dataIndex: 'consent_expires_at', responsive: ['md'], render: (iso: string) => formatDateTime(iso, locale) },
    { title: t('dataAccess.column.verified'), key: 'verified', className: 'zcd-nowrap', responsive: ['sm'], render: (_, e) => verdict(e) },
  ];
  return (
    <Page title="dataAccess.title" area="portal.name">
      <p>{t('dataAccess.explain')}</p>
      <p className="zcd-muted">{t('dataAccess.verifyExplain')}</p>
      {query.isError ? (
        <Alert type="error" showIcon title={t('dataAccess.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <Table<Entry>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={query.isPending}
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
