import { Alert, Button, Descriptions, Form, Input, Modal, Select, Skeleton, Table, Tag } from 'antd';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { formatBasisPoints } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { problemFields, showProblem } from '../common/problem-fields.js';
import { useStaff } from '../common/use-staff.js';
import { addMessages } from '../../shared/i18n/translate.js';
import { bureauMessages } from '../bureau-messages.js';

addMessages(bureauMessages);

type Product = components['schemas']['Product'];
type Status = components['schemas']['ProductStatus'];
type Decision = components['schemas']['ProductReview']['decision'];

const STATUS_LABEL: Record<Status, MessageKey> = { pending: 'products.status.pending', approved: 'products.status.approved', withdrawn: 'products.status.withdrawn' };
const STATUS_COLOUR: Record<Status, string> = { pending: '#ad6800', approved: '#237804', withdrawn: '#595959' };

/** `/console/products`: the review queue (pending first by default) and the catalogue of the subtree's products. */
export default function ProductsPage() {
  const { t } = useI18n();
  const staff = useStaff();
  const [status, setStatus] = useState<Status | ''>('pending');
  const [tokens, setTokens] = useState<string[]>([]);
  const [review, setReview] = useState<{ product: Product; decision: Decision }>();
  const query = $api.useQuery('get', '/api/v1/admin/products', {
    params: { query: { page_size: 50, ...(status ? { status } : {}), ...(tokens.at(-1) ? { page_token: tokens.at(-1)! } : {}) } },
  });
  const items = query.data?.items ?? [];
  const regionName = useRegionNames(items.flatMap((p) => p.regions));

  return (
    <Page title="products.title" area="console.name">
      <div className="zcd-toolbar">
        <label htmlFor="product-status">{t('products.filterStatus')}</label>
        <Select<Status | ''>
          id="product-status"
          style={{ minWidth: 160 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setTokens([]);
          }}
          options={[{ value: '', label: t('products.all') }, ...(Object.keys(STATUS_LABEL) as Status[]).map((s) => ({ value: s, label: t(STATUS_LABEL[s]) }))]}
        />
      </div>
      {query.isPending ? (
        <Skeleton active />
      ) : query.isError ? (
        <Alert type="error" showIcon title={t('console.loadFailed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          <Table<Product>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: t('products.none') }}
            expandable={{ expandedRowRender: (p) => <ProductTerms product={p} />, columnTitle: <span className="zcd-visually-hidden">{t('productTerms.title')}</span> }}
            columns={[
              { title: t('products.name'), dataIndex: 'name' },
              { title: t('products.institution'), dataIndex: 'institution_name', responsive: ['sm'] },
              { title: t('products.status'), key: 'status', render: (_, p) => <Tag color={STATUS_COLOUR[p.status]}>{t(STATUS_LABEL[p.status])}</Tag> },
              { title: t('products.maxAmount'), key: 'max', align: 'right', responsive: ['md'], render: (_, p) => formatFen(p.max_amount) },
              { title: t('products.rate'), key: 'rate', responsive: ['md'], render: (_, p) => `${formatBasisPoints(p.rate_min_bp)}–${formatBasisPoints(p.rate_max_bp)}` },
              { title: t('products.regions'), key: 'regions', responsive: ['lg'], render: (_, p) => p.regions.map(regionName).join('、') },
              ...(staff.reviewer
                ? [
                    {
                      title: t('products.review'),
                      key: 'review',
                      render: (_: unknown, p: Product) => (
                        <div className="zcd-form-actions" style={{ marginTop: 0 }}>
                          {p.status !== 'approved' && (
                            <Button size="small" type="primary" autoInsertSpace={false} aria-label={t('products.approveNamed', { name: p.name })} onClick={() => setReview({ product: p, decision: 'approve' })}>
                              {t('products.approve')}
                            </Button>
                          )}
                          {p.status !== 'withdrawn' && (
                            <Button size="small" danger autoInsertSpace={false} aria-label={t('products.withdrawNamed', { name: p.name })} onClick={() => setReview({ product: p, decision: 'withdraw' })}>
                              {t('products.withdraw')}
                            </Button>
                          )}
                        </div>
                      ),
                    },
                  ]
                : []),
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
      {review && (
        <ReviewDialog
          {...review}
          onClose={() => setReview(undefined)}
          onDone={() => {
            setReview(undefined);
            void query.refetch();
          }}
        />
      )}
    </Page>
  );
}

function ReviewDialog({ product, decision, onClose, onDone }: { product: Product; decision: Decision; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [general, setGeneral] = useState<string>();
  const mutation = $api.useMutation('post', '/api/v1/admin/products/{productId}/review');
  const label = decision === 'approve' ? t('products.approve') : t('products.withdraw');
  return (
    <Modal
      open
      title={`${label}：${product.name}`}
      okText={label}
      cancelText={t('console.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={mutation.isPending}
      okButtonProps={{ danger: decision === 'withdraw', autoInsertSpace: false }}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          void mutation
            .mutateAsync({ params: { path: { productId: product.id } }, body: { decision, reason: v.reason } })
            .then(onDone, (p: unknown) => showProblem(form, problemFields(p, ['reason'], t, () => undefined), setGeneral))
        }
      >
        <ProductTerms product={product} />
        {general && <Alert role="alert" type="error" showIcon title={general} />}
        <Form.Item name="reason" label={t('institutions.reason')} rules={[{ required: true, whitespace: true, max: 500, message: t('institutions.error.reason') }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Every term of a product, as the reviewer checks it against the region's policy before approving it. */
function ProductTerms({ product: p }: { product: Product }) {
  const { t } = useI18n();
  const regionName = useRegionNames(p.regions);
  const days = (n: number | null | undefined) => (n === null || n === undefined ? t('productTerms.noPromise') : t('productTerms.days', { n }));
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      aria-label={t('productTerms.title')}
      className="zcd-product-terms"
      items={[
        { key: 'institution', label: t('products.institution'), children: p.institution_name },
        { key: 'max', label: t('products.maxAmount'), children: formatFen(p.max_amount) },
        { key: 'share', label: t('productTerms.share'), children: formatBasisPoints(p.max_share_bp) },
        { key: 'rate', label: t('products.rate'), children: `${formatBasisPoints(p.rate_min_bp)}–${formatBasisPoints(p.rate_max_bp)}` },
        { key: 'term', label: t('productTerms.term'), children: t('productTerms.termRange', { min: p.term_min_days, max: p.term_max_days }) },
        { key: 'fee', label: t('productTerms.fee'), children: formatBasisPoints(p.fee_bp ?? 0) },
        { key: 'decide', label: t('productTerms.decideDays'), children: days(p.decide_days) },
        { key: 'disburse', label: t('productTerms.disburseDays'), children: days(p.disburse_days) },
        { key: 'categories', label: t('productTerms.categories'), children: p.categories.map((c) => t(`productTerms.category.${c}`)).join('、') },
        { key: 'regions', label: t('products.regions'), children: p.regions.map(regionName).join('、') },
      ]}
    />
  );
}
