import { Alert, Button, Form, Input, Select, Skeleton, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import { formatFen } from '../../shared/money.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { useStaff } from '../common/use-staff.js';
import { useSubtreeRegions } from '../common/use-subtree-regions.js';
import { When } from '../common/when-time.js';
import { filterQuery, filtersFromSearch, rememberListSearch, searchOfFilters, type FilterInput } from './application-filters.js';
import { APPLICATION_STATUS_LABEL } from './application-labels.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { bureauMessages } from '../bureau-messages.js';

// The texts of the supervision pages load with them, not with the console's first page.
addMessages(bureauMessages);

type Application = components['schemas']['Application'];
type Status = components['schemas']['ApplicationStatus'];

/** The form with nothing chosen or typed. */
const NO_FILTERS: FilterInput = { status: undefined, region: undefined, institution: undefined, from: '', to: '', amountMin: '', amountMax: '' };

/** `/console/applications`: the applications purchased in the staff member's subtree, filtered, newest first, by pages. */
export default function ApplicationsPage() {
  const { t } = useI18n();
  const staff = useStaff();
  const [form] = Form.useForm<FilterInput>();
  // The applied filters live in the address, so that Back from an application, a reload or a shared link
  // brings the same list; the form starts from them.
  const search = useSearch();
  const [, navigate] = useLocation();
  const setParams = (params: URLSearchParams) => {
    const next = params.toString();
    navigate(next ? `/applications?${next}` : '/applications');
  };
  const typed = useMemo(() => filtersFromSearch(new URLSearchParams(search)), [search]);
  const checked = useMemo(() => filterQuery(typed), [typed]);
  const filters = checked.errors ? {} : checked.query;
  const [tokens, setTokens] = useState<string[]>([]);
  useEffect(() => {
    // Back and Forward between two filterings change the address under a mounted page: the form follows it,
    // its old messages go, and the list starts at its first page (a page token belongs to its own filtering).
    form.setFieldsValue({ ...NO_FILTERS, ...typed });
    form.setFields((['from', 'to', 'amountMin', 'amountMax'] as const).map((name) => ({ name, errors: [] })));
    setTokens([]);
    rememberListSearch(checked.errors ? '' : search);
    // An address edited by hand is told at its fields, as the form would tell it.
    if (checked.errors) form.setFields(checked.errors.map((e) => ({ name: e.name, errors: [t(e.message)] })));
  }, [search, typed, checked, form, t]);
  const { regions } = useSubtreeRegions(staff.region);
  const institutions = $api.useQuery('get', '/api/v1/admin/institutions', { params: { query: { page_size: 500 } } });
  const query = $api.useQuery('get', '/api/v1/admin/applications', {
    params: { query: { page_size: 20, ...(filters as { status?: Status }), ...(tokens.at(-1) ? { page_token: tokens.at(-1)! } : {}) } },
  });
  const items = query.data?.items ?? [];
  const regionName = useRegionNames(items.map((a) => a.purchaser_region_code));

  const apply = (v: FilterInput) => {
    const result = filterQuery(v);
    form.setFields((['from', 'to', 'amountMin', 'amountMax'] as const).map((name) => ({ name, errors: [] })));
    if (result.errors) {
      form.setFields(result.errors.map((e) => ({ name: e.name, errors: [t(e.message)] })));
      form.scrollToField(result.errors[0]!.name, { focus: true });
      return;
    }
    setParams(searchOfFilters(v));
    setTokens([]);
  };

  return (
    <Page title="supervise.title" area="console.name">
      <Form form={form} layout="vertical" initialValues={typed} onFinish={apply} className="zcd-filters" aria-label={t('supervise.filters')}>
        <Form.Item name="status" label={t('supervise.status')}>
          <Select<string>
            allowClear
            placeholder={t('supervise.allStatuses')}
            options={(Object.keys(APPLICATION_STATUS_LABEL) as Status[]).map((s) => ({ value: s, label: t(APPLICATION_STATUS_LABEL[s]) }))}
          />
        </Form.Item>
        <Form.Item name="region" label={t('supervise.region')}>
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('supervise.allRegions')}
            options={regions.map((r) => ({ value: r.code, label: r.path }))}
          />
        </Form.Item>
        <Form.Item name="institution" label={t('supervise.institution')}>
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('supervise.allInstitutions')}
            options={(institutions.data?.items ?? []).map((i) => ({ value: i.client_id, label: i.name }))}
          />
        </Form.Item>
        <Form.Item name="from" label={t('supervise.from')}>
          <Input inputMode="numeric" autoComplete="off" />
        </Form.Item>
        <Form.Item name="to" label={t('supervise.to')}>
          <Input inputMode="numeric" autoComplete="off" />
        </Form.Item>
        <Form.Item name="amountMin" label={t('supervise.amountMin')}>
          <Input inputMode="decimal" autoComplete="off" />
        </Form.Item>
        <Form.Item name="amountMax" label={t('supervise.amountMax')}>
          <Input inputMode="decimal" autoComplete="off" />
        </Form.Item>
        <div className="zcd-form-actions zcd-filters-actions">
          <Button type="primary" htmlType="submit" autoInsertSpace={false}>
            {t('supervise.search')}
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue(NO_FILTERS);
              form.setFields((['from', 'to', 'amountMin', 'amountMax'] as const).map((name) => ({ name, errors: [] })));
              setParams(new URLSearchParams());
              setTokens([]);
            }}
          >
            {t('supervise.reset')}
          </Button>
        </div>
      </Form>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <Table<Application>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: t('supervise.none') }}
            columns={[
              {
                title: t('supervise.contract'),
                key: 'contract',
                render: (_, a) => (
                  <Link href={`/applications/${a.id}`} aria-label={t('supervise.openNamed', { contract: a.contract_no })}>
                    {a.contract_no}
                  </Link>
                ),
              },
              { title: t('supervise.status'), key: 'status', render: (_, a) => <Tag>{t(APPLICATION_STATUS_LABEL[a.status])}</Tag> },
              { title: t('supervise.amount'), key: 'amount', align: 'right', render: (_, a) => formatFen(a.requested_amount) },
              { title: t('supervise.institution'), dataIndex: 'institution_name', responsive: ['sm'] },
              { title: t('supervise.supplier'), dataIndex: 'supplier_name', responsive: ['md'] },
              { title: t('supervise.region'), key: 'region', responsive: ['md'], render: (_, a) => regionName(a.purchaser_region_code) },
              { title: t('supervise.submittedAt'), key: 'at', responsive: ['lg'], render: (_, a) => <When iso={a.created_at} /> },
            ]}
          />
          <div className="zcd-pager">
            <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
              {t('common.previousPage')}
            </Button>
            <Button disabled={!query.data.next_page_token} onClick={() => setTokens([...tokens, query.data.next_page_token!])}>
              {t('common.nextPage')}
            </Button>
          </div>
        </>
      )}
    </Page>
  );
}
