import { Alert, Button, Empty, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { formatDate } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';

type Contract = components['schemas']['SupplierContract'];

const PAGE_SIZE = 20;

const STATUS: Record<Contract['status'], MessageKey> = {
  active: 'contract.status.active',
  completed: 'contract.status.completed',
  terminated: 'contract.status.terminated',
};

const CATEGORY: Record<Contract['category'], MessageKey> = {
  goods: 'contract.category.goods',
  services: 'contract.category.services',
  works: 'contract.category.works',
};

const NOT_FINANCEABLE: Record<Contract['not_financeable_reasons'][number], MessageKey> = {
  terminated: 'contract.notFinanceable.terminated',
  completed: 'contract.notFinanceable.completed',
  fully_paid: 'contract.notFinanceable.fully_paid',
  live_financing: 'contract.notFinanceable.live_financing',
  risk_flag: 'contract.notFinanceable.risk_flag',
};

/** `/portal`: 我的合同 — the signed-in supplier's contracts (`listSupplierContracts`), a page at a time. */
export default function ContractsPage() {
  const { t, locale } = useI18n();
  // Tokens of the pages before the current one, so that "previous" needs no token from the server.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];
  const query = $api.useQuery('get', '/api/v1/supplier/contracts', {
    params: { query: { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } },
  });
  const [search, setSearch] = useState('');
  const q = search.trim().toLowerCase();
  const all = query.data?.items ?? [];
  // Search narrows the page on screen; the API pages by signing date.
  const items = q
    ? all.filter((c) => [c.contract_no, c.project_no, c.purchaser.name].some((s) => s.toLowerCase().includes(q)))
    : all;
  const open = (c: Contract) => (
    <Link href={`/contracts/${encodeURIComponent(c.contract_no)}`} aria-label={t('contracts.open', { no: c.contract_no })}>
      {c.contract_no}
    </Link>
  );
  const regionName = useRegionNames(items.map((c) => c.purchaser.region_code));
  const next = query.data?.next_page_token;

  const state = (c: Contract) =>
    c.financeable ? (
      <span className="zcd-ok">{t('contracts.financeable')}</span>
    ) : (
      <span className="zcd-muted">{c.not_financeable_reasons.map((r) => t(NOT_FINANCEABLE[r])).join('；')}</span>
    );

  const wide: TableColumnsType<Contract>[number]['responsive'] = ['sm'];
  const columns: TableColumnsType<Contract> = [
    {
      // On a phone: one cell per contract, the figures a supplier looks for first.
      title: t('contracts.column.contract'),
      key: 'phone',
      responsive: ['xs'],
      render: (_, c) => (
        <div className="zcd-contract-card">
          <span className="zcd-strong">{open(c)}</span>
          <span className="zcd-contract-card__state">{t(STATUS[c.status])}</span>
          <span className="zcd-contract-card__purchaser zcd-muted">
            {c.purchaser.name} · {regionName(c.purchaser.region_code)}
          </span>
          <span className="zcd-contract-card__money">
            {t('contracts.unpaidOf', { unpaid: formatFen(c.unpaid), amount: formatFen(c.amount) })}
          </span>
          <span className="zcd-contract-card__money">{state(c)}</span>
        </div>
      ),
    },
    {
      title: t('contracts.column.contract'),
      key: 'contract',
      responsive: wide,
      render: (_, c) => (
        <Space orientation="vertical" size={0}>
          <span className="zcd-strong zcd-nowrap">{open(c)}</span>
          <span className="zcd-muted">
            {t('contracts.project', { no: c.project_no })} · {t(CATEGORY[c.category])}
          </span>
        </Space>
      ),
    },
    {
      title: t('contracts.column.purchaser'),
      key: 'purchaser',
      responsive: ['md'],
      render: (_, c) => (
        <Space orientation="vertical" size={0}>
          <span>{c.purchaser.name}</span>
          <span className="zcd-muted">{regionName(c.purchaser.region_code)}</span>
        </Space>
      ),
    },
    {
      title: t('contracts.column.signedOn'),
      dataIndex: 'signed_on',
      className: 'zcd-nowrap',
      responsive: ['lg'],
      sorter: (a, b) => a.signed_on.localeCompare(b.signed_on),
      render: (d: string) => formatDate(d, locale),
    },
    { title: t('contracts.column.amount'), dataIndex: 'amount', sorter: (a, b) => a.amount - b.amount, align: 'right', className: 'zcd-nowrap', responsive: ['md'], render: (fen: number) => formatFen(fen) },
    { title: t('contracts.column.paid'), dataIndex: 'paid', align: 'right', className: 'zcd-nowrap', responsive: ['lg'], render: (fen: number) => formatFen(fen) },
    { title: t('contracts.column.unpaid'), dataIndex: 'unpaid', sorter: (a, b) => a.unpaid - b.unpaid, align: 'right', className: 'zcd-nowrap', responsive: wide, render: (fen: number) => formatFen(fen) },
    {
      title: t('contracts.column.state'),
      key: 'state',
      responsive: wide,
      render: (_, c) => (
        <Space orientation="vertical" size={4}>
          <span>{t(STATUS[c.status])}</span>
          {state(c)}
        </Space>
      ),
    },
  ];

  return (
    <Page title="contracts.title" area="portal.name">
      {query.isError ? (
        <Alert type="error" showIcon title={t('contracts.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          {/* A plain search field (the browser's own clear button): antd's Input would add 8 KB gzip to the first load. */}
          <input
            type="search"
            className="zcd-search"
            aria-label={t('contracts.search')}
            placeholder={t('contracts.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <Table<Contract>
            rowKey="contract_no"
            columns={columns}
            dataSource={items}
            loading={query.isFetching}
            pagination={false}
            locale={{ emptyText: <Empty description={q && all.length > 0 ? t('contracts.noMatch', { q: search.trim() }) : t('contracts.empty')} /> }}
          />
          {(tokens.length > 1 || next) && (
            <nav className="zcd-pager" aria-label={t('contracts.pages')}>
              <Button disabled={tokens.length === 1} onClick={() => setTokens((s) => s.slice(0, -1))}>
                {t('common.previousPage')}
              </Button>
              <span className="zcd-muted">{t('common.pageNumber', { n: tokens.length })}</span>
              <Button disabled={!next} onClick={() => next && setTokens((s) => [...s, next])}>
                {t('common.nextPage')}
              </Button>
            </nav>
          )}
        </>
      )}
    </Page>
  );
}
