import { Alert, Button, Checkbox, Empty, Form, Input, Popconfirm, Result, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api, type Problem } from '../../shared/api/client.js';
import { formatBasisPoints } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen, parseYuanToFen } from '../../shared/money.js';
import { CONSENT_PARTS, PART_LABEL } from '../contracts/contract-page.js';
import { formatDateTime } from '../portal-format.js';
import '../portal-page-messages.js';
import { useFocusOnMount } from '../../shared/shell/use-focus-on-mount.js';
import { problemText } from '../../shared/api/problem-text.js';

type Intent = components['schemas']['SupplierIntent'];
type Quote = components['schemas']['Quote'];
type VisibleField = components['schemas']['IntentVisibleField'];
type ConsentPart = components['schemas']['ConsentPart'];

const VISIBLE: readonly VisibleField[] = ['purchaser_region', 'contract_amount_band', 'acceptance_status'];
const DAY_MS = 86_400_000;

/** The field of the publish form a problem+json answer is about, by its `errors[].pointer` or its code. */
function fieldOf(problem: unknown, t: (key: MessageKey) => string): { field: 'amount' | 'term' | 'visible' | undefined; detail: string } {
  const p = (problem ?? {}) as Partial<Problem>;
  const pointer = p.errors?.[0]?.pointer ?? '';
  const detail = p.errors?.[0]?.detail ?? p.detail ?? p.title ?? '';
  if (pointer.startsWith('/amount') || p.code === 'amount_exceeds_unpaid') return { field: 'amount', detail };
  if (pointer.startsWith('/term_days')) return { field: 'term', detail };
  if (pointer.startsWith('/visible_fields')) return { field: 'visible', detail };
  return { field: undefined, detail: problemText(problem, t) };
}

/**
 * 公开融资意向 on a contract's page: publish a need to every bank of the purchaser's region (which summary fields
 * they may see), compare the quotes beside the product offers above, accept one with consent, or withdraw.
 */
export default function IntentPanel({ contractNo, unpaid, financeable }: { contractNo: string; unpaid: number; financeable: boolean }) {
  const { t } = useI18n();
  const intents = $api.useQuery('get', '/api/v1/supplier/intents', { params: { query: { page_size: 500 } } });
  const mine = intents.data?.items.filter((i) => i.contract_no === contractNo) ?? [];
  const open = mine.find((i) => i.status === 'open');
  const accepted = mine.find((i) => i.status === 'accepted');

  return (
    <section aria-labelledby="intent-title">
      <h2 id="intent-title">{t('intent.title')}</h2>
      <p>{t('intent.explain')}</p>
      {open ? (
        <OpenIntent intent={open} />
      ) : accepted ? (
        <Alert type="success" showIcon title={t('intent.accepted')} action={<Link href="/applications">{t('apply.toApplications')}</Link>} />
      ) : financeable ? (
        <PublishForm contractNo={contractNo} unpaid={unpaid} />
      ) : intents.isPending ? (
        <p className="zcd-muted">{t('common.loading')}</p>
      ) : (
        <p className="zcd-muted">{t('offers.notFinanceable')}</p>
      )}
    </section>
  );
}

function PublishForm({ contractNo, unpaid }: { contractNo: string; unpaid: number }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [amountText, setAmountText] = useState('');
  const [termText, setTermText] = useState('90');
  const [visible, setVisible] = useState<VisibleField[]>(['purchaser_region', 'contract_amount_band']);
  const [errors, setErrors] = useState<{ amount?: string; term?: string; visible?: string; general?: string }>({});
  const key = useRef('');
  const create = $api.useMutation('post', '/api/v1/supplier/intents', {
    onSuccess: () => client.invalidateQueries({ queryKey: ['get', '/api/v1/supplier/intents'] }),
    onError: (e) => {
      const { field, detail } = fieldOf(e, t);
      setErrors(field ? { [field]: t('intent.failed', { detail }) } : { general: t('intent.failed', { detail }) });
    },
  });

  const publish = () => {
    const next: typeof errors = {};
    const parsed = parseYuanToFen(amountText, unpaid);
    if (!parsed.ok) {
      next.amount = parsed.error === 'above_max' ? `${t('money.error.above_max')} ${t('intent.amountHelp', { max: formatFen(unpaid) })}` : t(`money.error.${parsed.error}`);
    }
    const term = /^\d{1,4}$/.test(termText.trim()) ? Number(termText.trim()) : NaN;
    if (!(term >= 1 && term <= 3650)) next.term = t('intent.termInvalid');
    setErrors(next);
    if (Object.keys(next).length > 0 || !parsed.ok || create.isPending) return;
    // One key per publication: a double click or a retry publishes one intent.
    if (!key.current) key.current = crypto.randomUUID();
    create.mutate({ params: { header: { 'Idempotency-Key': key.current } }, body: { contract_no: contractNo, amount: parsed.fen, term_days: term, visible_fields: visible } });
  };

  return (
    <Form layout="vertical" onFinish={publish}>
      <Form.Item label={t('intent.amount')} htmlFor="intent-amount" validateStatus={errors.amount ? 'error' : ''} help={errors.amount ?? t('intent.amountHelp', { max: formatFen(unpaid) })}>
        <Input
          id="intent-amount"
          inputMode="decimal"
          autoComplete="off"
          value={amountText}
          aria-invalid={errors.amount ? true : undefined}
          onChange={(e) => {
            setAmountText(e.target.value);
            key.current = '';
          }}
        />
      </Form.Item>
      <Form.Item label={t('intent.term')} htmlFor="intent-term" validateStatus={errors.term ? 'error' : ''} help={errors.term}>
        <Input
          id="intent-term"
          inputMode="numeric"
          value={termText}
          aria-invalid={errors.term ? true : undefined}
          onChange={(e) => {
            setTermText(e.target.value);
            key.current = '';
          }}
        />
      </Form.Item>
      <Form.Item label={t('intent.visible')} validateStatus={errors.visible ? 'error' : ''} help={errors.visible}>
        <Checkbox.Group
          aria-label={t('intent.visible')}
          value={visible}
          onChange={(v) => {
            setVisible(VISIBLE.filter((f) => v.includes(f)));
            key.current = '';
          }}
          options={VISIBLE.map((f) => ({ value: f, label: t(`intent.field.${f}`) }))}
          className="zcd-consent-parts"
        />
      </Form.Item>
      {(errors.amount ?? errors.term ?? errors.visible ?? errors.general) && (
        <div role="alert" className={errors.general ? undefined : 'zcd-visually-hidden'}>
          {errors.general ? <Alert type="error" showIcon title={errors.general} /> : (errors.amount ?? errors.term ?? errors.visible)}
        </div>
      )}
      <Button type="primary" htmlType="submit" loading={create.isPending}>
        {t('intent.publish')}
      </Button>
    </Form>
  );
}

const QUOTE_STATUS: Record<Quote['status'], MessageKey> = {
  live: 'quotes.status.live',
  withdrawn: 'quotes.status.withdrawn',
  accepted: 'quotes.status.accepted',
  declined: 'quotes.status.declined',
};

function OpenIntent({ intent }: { intent: Intent }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['get', '/api/v1/supplier/intents'] });
  const path = { intentId: intent.id };
  // Banks quote while the SME watches: ask again every few seconds while the intent is open.
  const quotes = $api.useQuery('get', '/api/v1/supplier/intents/{intentId}/quotes', { params: { path } }, { refetchInterval: 3_000 });
  const withdrawKey = useRef(crypto.randomUUID());
  const withdraw = $api.useMutation('post', '/api/v1/supplier/intents/{intentId}/withdraw', { onSuccess: refresh });
  const [chosen, setChosen] = useState<Quote | undefined>();

  const acceptButton = (q: Quote) =>
    q.status === 'live' ? (
      <Button type="primary" onClick={() => setChosen(q)} aria-label={t('quotes.accept', { bank: q.institution_name })}>
        {t('quotes.acceptShort')}
      </Button>
    ) : null;
  const fees = (fen: number) => (fen === 0 ? t('offers.noFee') : formatFen(fen));
  const bankAndStatus = (q: Quote) => (
    <>
      <span className="zcd-strong">{q.institution_name}</span>
      <Tag color={q.status === 'live' ? 'blue' : 'default'}>{t(QUOTE_STATUS[q.status])}</Tag>
    </>
  );

  const columns: TableColumnsType<Quote> = [
    {
      // A phone shows each quote as one block, every term under the bank, as the offers above do: the SME
      // sees the term, the fees and until when the quote holds before accepting it.
      title: t('quotes.column.bank'),
      key: 'summary',
      responsive: ['xs'],
      render: (_, q) => (
        <Space orientation="vertical" size={2}>
          {bankAndStatus(q)}
          <span>
            {t('quotes.column.amount')}：{formatFen(q.amount)}
          </span>
          <span>
            {t('quotes.column.rate')}：{formatBasisPoints(q.annual_rate_bp)}
          </span>
          <span>
            {t('quotes.column.term')}：{t('applications.termDays', { n: q.term_days })}
          </span>
          <span>
            {t('quotes.column.fees')}：{fees(q.fees)}
          </span>
          <span>
            {t('quotes.column.validUntil')}：{formatDateTime(q.valid_until, locale)}
          </span>
          {q.conditions && (
            <span>
              {t('quotes.column.conditions')}：{q.conditions}
            </span>
          )}
          {acceptButton(q)}
        </Space>
      ),
    },
    {
      title: t('quotes.column.bank'),
      key: 'bank',
      responsive: ['sm'],
      render: (_, q) => (
        <Space orientation="vertical" size={0}>
          {bankAndStatus(q)}
          {q.conditions && <span className="zcd-muted">{q.conditions}</span>}
        </Space>
      ),
    },
    { title: t('quotes.column.amount'), dataIndex: 'amount', align: 'right', className: 'zcd-nowrap', responsive: ['sm'], render: (fen: number) => formatFen(fen) },
    { title: t('quotes.column.rate'), dataIndex: 'annual_rate_bp', className: 'zcd-nowrap', responsive: ['sm'], render: (bp: number) => formatBasisPoints(bp) },
    { title: t('quotes.column.term'), dataIndex: 'term_days', className: 'zcd-nowrap', responsive: ['sm'], render: (n: number) => t('applications.termDays', { n }) },
    { title: t('quotes.column.fees'), dataIndex: 'fees', className: 'zcd-nowrap', responsive: ['sm'], render: fees },
    { title: t('quotes.column.validUntil'), dataIndex: 'valid_until', responsive: ['sm'], render: (iso: string) => formatDateTime(iso, locale) },
    { title: '', key: 'accept', responsive: ['sm'], render: (_, q) => acceptButton(q) },
  ];

  return (
    <>
      <Alert
        type="info"
        showIcon
        title={t('intent.open', { amount: formatFen(intent.amount), term: intent.term_days, until: formatDateTime(intent.expires_at, locale) })}
        description={intent.visible_fields.length ? t('intent.visibleFields', { fields: intent.visible_fields.map((f) => t(`intent.field.${f}`)).join('、') }) : undefined}
      />
      <h3>{t('quotes.title')}</h3>
      <Table<Quote>
        rowKey="id"
        columns={columns}
        dataSource={quotes.data?.quotes ?? []}
        loading={quotes.isPending}
        pagination={false}
        aria-label={t('quotes.title')}
        locale={{ emptyText: <Empty description={t('quotes.empty')} /> }}
      />
      {withdraw.isError && <Alert type="error" showIcon role="alert" title={t('intent.failed', { detail: problemText(withdraw.error, t) })} />}
      <Space wrap className="zcd-application-actions">
        <Popconfirm
          title={t('intent.withdrawConfirm')}
          okText={t('applications.yes')}
          cancelText={t('applications.no')}
          onConfirm={() => withdraw.mutate({ params: { path, header: { 'Idempotency-Key': withdrawKey.current } } })}
        >
          <Button danger loading={withdraw.isPending}>
            {t('intent.withdraw')}
          </Button>
        </Popconfirm>
      </Space>
      {chosen && <AcceptQuote key={chosen.id} intentId={intent.id} quote={chosen} onCancel={() => setChosen(undefined)} onDone={refresh} />}
    </>
  );
}

/** The consent screen of an acceptance: which parts the quoting bank may read, until when; one application per confirmation. */
function AcceptQuote({ intentId, quote, onCancel, onDone }: { intentId: string; quote: Quote; onCancel: () => void; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [parts, setParts] = useState<ConsentPart[]>(['contract', 'payments']);
  const [daysText, setDaysText] = useState('90');
  const [done, setDone] = useState(false);
  const key = useRef(crypto.randomUUID());
  // Accepted: the intent is no longer open, so the panel above shows it as accepted, not as still taking quotes.
  const accept = $api.useMutation('post', '/api/v1/supplier/intents/{intentId}/quotes/{quoteId}/accept', {
    onSuccess: () => {
      setDone(true);
      onDone();
    },
  });
  // The consent screen opens below the quotes: bring it into view, or 接受报价 seems to do nothing.
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const days = /^\d{1,3}$/.test(daysText.trim()) ? Number(daysText.trim()) : NaN;
  const daysOk = Number.isInteger(days) && days >= 1 && days <= 366;
  const until = daysOk ? new Date(Date.now() + days * DAY_MS) : undefined;

  if (done) {
    return (
      <Result
        status="success"
        title={t('intent.accepted')}
        extra={
          <Link href="/applications" className="ant-btn ant-btn-primary" onClick={onDone}>
            {t('apply.toApplications')}
          </Link>
        }
      />
    );
  }
  const confirm = () => {
    if (!until || parts.length === 0 || accept.isPending) return;
    accept.mutate({
      params: { path: { intentId, quoteId: quote.id }, header: { 'Idempotency-Key': key.current } },
      body: { consent: { parts, expires_at: until.toISOString() }, quote_revision: quote.revision },
    });
  };
  return (
    <section aria-labelledby="accept-title" className="zcd-apply">
      <h3 id="accept-title" ref={heading} tabIndex={-1}>{t('quotes.consentTitle', { bank: quote.institution_name })}</h3>
      <Form layout="vertical" onFinish={confirm}>
        <p className="zcd-strong">{t('consent.summary', { amount: formatFen(quote.amount) })}</p>
        <p>{t('consent.explain', { bank: quote.institution_name, until: until ? formatDateTime(until.toISOString(), locale) : '—' })}</p>
        <Form.Item label={t('consent.parts')} validateStatus={parts.length === 0 ? 'error' : ''} help={parts.length === 0 ? t('consent.partsRequired') : undefined}>
          <Checkbox.Group
            aria-label={t('consent.parts')}
            value={parts}
            onChange={(v) => setParts(CONSENT_PARTS.filter((p) => v.includes(p)))}
            options={CONSENT_PARTS.map((p) => ({ value: p, label: t(PART_LABEL[p]) }))}
            className="zcd-consent-parts"
          />
        </Form.Item>
        <Form.Item label={t('consent.days')} htmlFor="accept-days" validateStatus={daysOk ? '' : 'error'} help={daysOk ? undefined : t('consent.daysInvalid')}>
          <Input id="accept-days" inputMode="numeric" value={daysText} onChange={(e) => setDaysText(e.target.value)} />
        </Form.Item>
        {accept.isError && <Alert type="error" showIcon role="alert" title={t('intent.failed', { detail: problemText(accept.error, t) })} />}
        <Space wrap className="zcd-apply-actions">
          <Button type="primary" htmlType="submit" loading={accept.isPending} disabled={!daysOk || parts.length === 0}>
            {t('consent.confirm')}
          </Button>
          <Button onClick={onCancel}>{t('apply.cancel')}</Button>
        </Space>
      </Form>
    </section>
  );
}
