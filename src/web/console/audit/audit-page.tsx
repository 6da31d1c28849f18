import { useQueries } from '@tanstack/react-query';
import { Alert, Button, Select, Skeleton, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api, api } from '../../shared/api/client.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { verifyInclusion } from './rfc9162.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { Page } from '../../shared/shell/page.js';
import { When } from '../common/when-time.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { bureauMessages } from '../bureau-messages.js';

// The texts of the supervision pages load with them, not with the console's first page.
addMessages(bureauMessages);

type AdminEntry = components['schemas']['AdminAuditEntry'];
type AccessEntry = components['schemas']['DataAccessPage']['items'][number];
type Quarantined = components['schemas']['QuarantinedRecord'];
type Head = components['schemas']['AuditTreeHead'];
type Verification = 'verified' | 'pending' | 'failed';

/**
 * Whether an entry is in the tree of `head`: its inclusion proof (`getAuditInclusionProof` at the head's size)
 * recomputed here to the head's root. An entry not yet sequenced, or sequenced after the head, is pending.
 */
async function verifyEntry(e: AccessEntry, head: Head | undefined): Promise<Verification> {
  if (e.leaf_index === null || e.leaf_hash === null || !head || e.leaf_index >= head.tree_size) return 'pending';
  const { data } = await api.GET('/api/v1/audit/inclusion-proof', { params: { query: { leaf_index: e.leaf_index, tree_size: head.tree_size } } });
  if (!data || data.leaf_hash !== e.leaf_hash || data.tree_size !== head.tree_size || data.tree_head.root_hash !== head.root_hash) return 'failed';
  return (await verifyInclusion(e.leaf_index, head.tree_size, e.leaf_hash, data.audit_path, head.root_hash)) ? 'verified' : 'failed';
}

const VERIFICATION_COLOUR: Record<Verification | 'checking', string> = { verified: '#237804', pending: '#ad6800', failed: '#a8071a', checking: '#595959' };


/**
 * The administrative actions the gateway records (`AdminAuditEntry.action`, an operationId), by name. An action
 * not listed here (a newer gateway's) shows as its operationId.
 */
const ACTION_LABEL: Record<string, MessageKey> = {
  createBureau: 'audit.op.createBureau',
  createInstitution: 'audit.op.createInstitution',
  updateInstitution: 'audit.op.updateInstitution',
  updateInstitutionStatus: 'audit.op.updateInstitutionStatus',
  replaceInstitutionKeys: 'audit.op.replaceInstitutionKeys',
  reviewProduct: 'audit.op.reviewProduct',
  updateRegionPolicy: 'audit.op.updateRegionPolicy',
  createStaff: 'audit.op.createStaff',
  updateStaff: 'audit.op.updateStaff',
  removeStaff: 'audit.op.removeStaff',
  createNotice: 'audit.op.createNotice',
  updateNotice: 'audit.op.updateNotice',
  publishNotice: 'audit.op.publishNotice',
  withdrawNotice: 'audit.op.withdrawNotice',
};

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
  const { t } = useI18n();
  const [action, setAction] = useState('');
  const pager = usePager();
  const query = $api.useQuery('get', '/api/v1/admin/audit', {
    params: { query: { page_size: 50, ...(action ? { action } : {}), ...(pager.token ? { page_token: pager.token } : {}) } },
  });
  return (
    <>
      <div className="zcd-toolbar">
        <Select
          aria-label={t('audit.filterAction')}
          placeholder={t('audit.filterAction')}
          allowClear
          style={{ width: '100%', maxWidth: 320 }}
          value={action || undefined}
          options={Object.entries(ACTION_LABEL).map(([value, label]) => ({ value, label: t(label) }))}
          onChange={(v: string | undefined) => {
            setAction(v ?? '');
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
              { title: t('audit.at'), key: 'at', render: (_, e) => <When iso={e.at} /> },
              {
                title: t('audit.action'),
                key: 'action',
                // The name a person reads, and the operationId the API and the CLI use, for looking it up.
                render: (_, e) => {
                  const label = ACTION_LABEL[e.action];
                  return label ? (
                    <Space orientation="vertical" size={0}>
                      <span>{t(label)}</span>
                      <code className="zcd-muted">{e.action}</code>
                    </Space>
                  ) : (
                    <code>{e.action}</code>
                  );
                },
              },
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
  const { t } = useI18n();
  const pager = usePager();
  const query = $api.useQuery('get', '/api/v1/admin/data-access', { params: { query: { page_size: 50, ...(pager.token ? { page_token: pager.token } : {}) } } });
  const head = $api.useQuery('get', '/api/v1/public/audit/tree-head', {}, { retry: false });
  const items = query.data?.items ?? [];
  const verdicts = useQueries({
    queries: items.map((e) => ({
      queryKey: ['audit-verification', e.id, head.data?.tree_size ?? 0],
      queryFn: () => verifyEntry(e, head.data),
      enabled: !head.isPending,
      staleTime: Infinity,
    })),
  });
  const verdictOf = new Map(items.map((e, i) => [e.id, verdicts[i]?.data]));
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <Alert type="error" showIcon title={t('console.loadFailed')} />;
  const label = { verified: t('audit.verified'), pending: t('audit.pending'), failed: t('audit.failed'), checking: t('audit.checking') };
  return (
    <>
      <p>{t('audit.verifyExplain')}</p>
      <p className="zcd-timeline-meta">
        {head.data ? t('audit.treeHead', { size: String(head.data.tree_size), root: head.data.root_hash.slice(0, 16) }) : head.isPending ? t('common.loading') : t('audit.noTreeHead')}
      </p>
      <Table<AccessEntry>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        dataSource={query.data.items}
        locale={{ emptyText: t('audit.none') }}
        columns={[
          { title: t('audit.at'), key: 'at', render: (_, e) => <When iso={e.at} /> },
          { title: t('audit.institution'), dataIndex: 'institution_name' },
          { title: t('audit.contract'), dataIndex: 'contract_no', responsive: ['sm'] },
          { title: t('audit.part'), dataIndex: 'part', responsive: ['md'] },
          {
            title: t('audit.verification'),
            key: 'verification',
            render: (_, e) => {
              const v = verdictOf.get(e.id) ?? 'checking';
              return (
                <Tag color={VERIFICATION_COLOUR[v]} title={v === 'verified' && head.data ? t('audit.verifiedTitle', { size: String(head.data.tree_size) }) : undefined}>
                  {label[v]}
                </Tag>
              );
            },
          },
        ]}
      />
      {pager.controls(query.data.next_page_token)(t)}
    </>
  );
}

function QuarantineLog() {
  const { t } = useI18n();
  const pager = usePager();
  const query = $api.useQuery('get', '/api/v1/admin/quarantined-records', { params: { query: { page_size: 50, ...(pager.token ? { page_token: pager.token } : {}) } } });
  const regionName = useRegionNames((query.data?.items ?? []).flatMap((r) => (r.region_code ? [r.region_code] : [])));
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <Alert type="error" showIcon title={t('console.loadFailed')} />;
  return (
    <>
      <Table<Quarantined>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        dataSource={query.data.items}
        locale={{ emptyText: t('audit.none') }}
        expandable={{ expandedRowRender: (r) => <pre className="zcd-json">{r.raw_payload}</pre> }}
        columns={[
          { title: t('audit.received'), key: 'at', render: (_, r) => <When iso={r.received_at} /> },
          { title: t('audit.reason'), dataIndex: 'reason' },
          { title: t('audit.source'), key: 'source', responsive: ['sm'], render: (_, r) => t(r.source === 'procurement_cloud' ? 'audit.source.procurement_cloud' : 'audit.source.cloud_notification') },
          { title: t('audit.region'), key: 'region', responsive: ['md'], render: (_, r) => (r.region_code ? regionName(r.region_code) : t('common.none')) },
          { title: t('audit.changeId'), key: 'change', responsive: ['lg'], render: (_, r) => r.change_id ?? t('common.none') },
        ]}
      />
      {pager.controls(query.data.next_page_token)(t)}
    </>
  );
}

/** `/console/audit`: the administrative action log (`listAdminAudit`) the data-access log of the subtree with each entry's inclusion in the audit tree checked here, and the quarantined upstream records. */
export default function AuditPage() {
  const { t } = useI18n();
  return (
    <Page title="audit.title" area="console.name">
      <Tabs
        items={[
          { key: 'admin', label: t('audit.adminLog'), children: <AdminLog /> },
          { key: 'access', label: t('audit.accessLog'), children: <AccessLog /> },
          { key: 'quarantine', label: t('audit.quarantine'), children: <QuarantineLog /> },
        ]}
      />
    </Page>
  );
}
