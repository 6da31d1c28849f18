import { Alert, Button, Select, Skeleton, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { useStaff } from '../common/use-staff.js';

type Institution = components['schemas']['Institution'];
type Status = components['schemas']['InstitutionStatus'];

export const STATUS_LABEL: Record<Status, MessageKey> = {
  pending: 'institutions.status.pending',
  active: 'institutions.status.active',
  suspended: 'institutions.status.suspended',
  revoked: 'institutions.status.revoked',
};
/** Tag colours dark enough for white text (AA). */
export const STATUS_COLOUR: Record<Status, string> = { pending: '#ad6800', active: '#237804', suspended: '#ad4e00', revoked: '#595959' };

/** `/console/institutions`: the institutions serving the subtree, filtered by status; admins onboard from here. */
export default function InstitutionsPage() {
  const { t } = useI18n();
  const staff = useStaff();
  const [, navigate] = useLocation();
  const [status, setStatus] = useState<Status | undefined>();
  const [tokens, setTokens] = useState<string[]>([]);
  const pageToken = tokens.at(-1);
  const query = $api.useQuery('get', '/api/v1/admin/institutions', {
    params: { query: { page_size: 50, ...(status ? { status } : {}), ...(pageToken ? { page_token: pageToken } : {}) } },
  });
  const items = query.data?.items ?? [];
  const regionName = useRegionNames(items.flatMap((i) => i.regions));

  return (
    <Page
      title="institutions.title"
      area="console.name"
      extra={
        staff.admin ? (
          <Button type="primary" onClick={() => navigate('/institutions/new')}>
            {t('institutions.onboard')}
          </Button>
        ) : undefined
      }
    >
      <div className="zcd-toolbar">
        <label htmlFor="institution-status">{t('institutions.filterStatus')}</label>
        <Select<Status | ''>
          id="institution-status"
          style={{ minWidth: 160 }}
          value={status ?? ''}
          onChange={(v) => {
            setStatus(v === '' ? undefined : v);
            setTokens([]);
          }}
          options={[{ value: '', label: t('institutions.allStatuses') }, ...(Object.keys(STATUS_LABEL) as Status[]).map((s) => ({ value: s, label: t(STATUS_LABEL[s]) }))]}
        />
      </div>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <Table<Institution>
            size="small"
            rowKey="client_id"
            pagination={false}
            dataSource={items}
            scroll={{ x: true }}
            locale={{ emptyText: t('institutions.none') }}
            columns={[
              { title: t('institutions.name'), key: 'name', render: (_, i) => <Link href={`/institutions/${i.client_id}`}>{i.name}</Link> },
              { title: t('institutions.status'), key: 'status', render: (_, i) => <Tag color={STATUS_COLOUR[i.status]}>{t(STATUS_LABEL[i.status])}</Tag> },
              { title: t('institutions.uscc'), dataIndex: 'uscc', responsive: ['md'] },
              { title: t('institutions.regions'), key: 'regions', responsive: ['sm'], render: (_, i) => i.regions.map(regionName).join('、') },
            ]}
          />
          <div className="zcd-pager">
            <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
              {t('common.previousPage')}
            </Button>
            <Button disabled={!query.data?.next_page_token} onClick={() => setTokens([...tokens, query.data!.next_page_token!])}>
              {t('common.nextPage')}
            </Button>
          </div>
        </>
      )}
    </Page>
  );
}
