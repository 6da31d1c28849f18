import { Alert, Button, Checkbox, Descriptions, Empty, Form, Input, Radio, Result, Space, Table, type TableColumnsType } from 'antd';
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api, problemStatus } from '../../shared/api/client.js';
import { formatBasisPoints, formatDate } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen, parseYuanToFen } from '../../shared/money.js';
import { useRegionNames } from '../../shared/regions/use-region-names.js';
import { Page } from '../../shared/shell/page.js';
import { formatDateTime } from '../portal-format.js';
import '../portal-page-messages.js';
import { useFocusOnMount } from '../../shared/shell/use-focus-on-mount.js';
import { problemText } from '../../shared/api/problem-text.js';

// Publishing an intent and comparing its quotes: its own chunk, loaded once the contract shows.
const IntentPanel = lazy(() => import('../intents/intent-panel.js'));

type Offer = components['schemas']['Offer'];
type ConsentPart = components['schemas']['ConsentPart'];

export const CONSENT_PARTS: readonly ConsentPart[] = ['contract', 'acceptances', 'payments', 'risk_flags'];
export const PART_LABEL: Record<ConsentPart, MessageKey> = {
  contract: 'consent.part.contract',
  acceptances: 'consent.part.acceptances',
  payments: 'consent.part.payments',
  risk_flags: 'consent.part.risk_flags',
};

type SortKey = 'maxLoan' | 'rate' | 'term' | 'fee' | 'speed';
/** Fewer days first; an offer that promises none goes last. */
const byDays = (a: number | null, b: number | null) => (a ?? Infinity) - (b ?? Infinity);
const SORTS: Record<SortKey, (a: Offer, b: Offer) => number> = {
  maxLoan: (a, b) => b.max_loan - a.max_loan,
  rate: (a, b) => a.rate_min_bp - b.rate_min_bp || a.rate_max_bp - b.rate_max_bp,
  term: (a, b) => b.term_max_days - a.term_max_days,
  fee: (a, b) => a.fee_bp - b.fee_bp || a.rate_min_bp - b.rate_min_bp,
  speed: (a, b) => byDays(a.decide_days, b.decide_days) || byDays(a.disburse_days, b.disburse_days),
};

const DAY_MS = 86_400_000;

/** `/portal/contracts/:contractNo`: one contract as a bank sees it, the offers side by side, and applying. */
export default function ContractPage() {
  const { t, locale } = useI18n();
  const contractNo = decodeURIComponent(useParams<{ contractNo: string }>().contractNo);
  const contracts = $api.useQuery('get', '/api/v1/supplier/contracts', { params: { query: { page_size: 500 } } });
  const offers = $api.useQuery('get', '/api/v1/supplier/contracts/{contractNo}/offers', { params: { path: { contractNo } } }, { retry: false });
  const contract = contracts.data?.items.find((c) => c.contract_no === contractNo);
  const regionName = useRegionNames(contract ? [contract.purchaser.region_code] : []);
  const [sort, setSort] = useState<SortKey>('maxLoan');
  const [chosen, setChosen] = useState<Offer | undefined>();
  const sorted = useMemo(() => [...(offers.data?.items ?? [])].sort(SORTS[sort]), [offers.data, sort]);

  if (problemStatus(offers.error) === 404 || (contracts.data && !contract && !contracts.data.next_page_token)) {
    return (
      <Page title="contract.title" area="portal.name">
        <Alert type="warning" showIcon title={t('contract.notFound')} />
        <p>
          <Link href="/">{t('contract.back')}</Link>
        </p>
      </Page>
    );
  }

  const fee = (o: Offer) => (o.fee_bp === 0 ? t('offers.noFee') : t('offers.feeShare', { rate: formatBasisPoints(o.fee_bp) }));
  const days = (n: number | null) => (n === null ? t('offers.noPromise') : t('offers.workingDays', { n }));
  const requirements = (o: Offer) => o.requirements ?? t('offers.noRequirements');

  const applyButton = (o: Offer) =>
    offers.data?.financeable ? (
      <Button type="primary" onClick={() => setChosen(o)} aria-label={t('offers.apply', { product: `${o.institution_name} ${o.product_name}` })}>
        {t('offers.apply', { product: '' }).trim()}
      </Button>
    ) : null;

  const columns: TableColumnsType<Offer> = [
    {
      // A phone shows each offer as one block, the figures under the bank, as the contracts list does.
      title: t('offers.column.bank'),
      key: 'summary',
      responsive: ['xs'],
      render: (_, o) => (
        <Space orientation="vertical" size={2}>
          <span className="zcd-strong">{o.institution_name}</span>
          <span className="zcd-muted">{o.product_name}</span>
          <span>
            {t('offers.column.maxLoan')}：{formatFen(o.max_loan)}
          </span>
          <span>
            {t('offers.column.rate')}：{t('offers.rateRange', { min: formatBasisPoints(o.rate_min_bp), max: formatBasisPoints(o.rate_max_bp) })}
          </span>
          <span>
            {t('offers.column.term')}：{t('offers.termRange', { min: o.term_min_days, max: o.term_max_days })}
          </span>
          <span>
            {t('offers.column.fee')}：{fee(o)}
          </span>
          <span>
            {t('offers.column.decideDays')}：{days(o.decide_days)}
          </span>
          <span>
            {t('offers.column.disburseDays')}：{days(o.disburse_days)}
          </span>
          <span>
            {t('offers.column.requirements')}：{requirements(o)}
          </span>
          {applyButton(o)}
        </Space>
      ),
    },
    {
      title: t('offers.column.bank'),
      key: 'bank',
      responsive: ['sm'],
      render: (_, o) => (
        <Space orientation="vertical" size={0}>
          <span className="zcd-strong">{o.institution_name}</span>
          <span className="zcd-muted">{o.product_name}</span>
        </Space>
      ),
    },
    { title: t('offers.column.maxLoan'), dataIndex: 'max_loan', align: 'right', className: 'zcd-nowrap', responsive: ['sm'], render: (fen: number) => formatFen(fen) },
    {
      title: t('offers.column.rate'),
      key: 'rate',
      className: 'zcd-nowrap',
      responsive: ['sm'],
      render: (_, o) => t('offers.rateRange', { min: formatBasisPoints(o.rate_min_bp), max: formatBasisPoints(o.rate_max_bp) }),
    },
    { title: t('offers.column.term'), key: 'term', responsive: ['sm'], className: 'zcd-nowrap', render: (_, o) => t('offers.termRange', { min: o.term_min_days, max: o.term_max_days }) },
    { title: t('offers.column.fee'), key: 'fee', responsive: ['sm'], render: (_, o) => fee(o) },
    { title: t('offers.column.decideDays'), key: 'decide', responsive: ['sm'], className: 'zcd-nowrap', render: (_, o) => days(o.decide_days) },
    { title: t('offers.column.disburseDays'), key: 'disburse', responsive: ['sm'], className: 'zcd-nowrap', render: (_, o) => days(o.disburse_days) },
    { title: t('offers.column.requirements'), key: 'requirements', responsive: ['md'], render: (_, o) => requirements(o) },
    {
      title: '',
      key: 'apply',
      responsive: ['sm'],
      render: (_, o) => applyButton(o),
    },
  ];

  return (
    <Page title="contract.title" area="portal.name" extra={<Link href="/">{t('contract.back')}</Link>}>
      <section aria-labelledby="contract-data">
        <h2 id="contract-data">{t('contract.data')}</h2>
        {contract ? (
          <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small" bordered>
            <Descriptions.Item label={t('contract.no')}>{contract.contract_no}</Descriptions.Item>
            <Descriptions.Item label={t('contracts.column.purchaser')}>
              {contract.purchaser.name} · {regionName(contract.purchaser.region_code)}
            </Descriptions.Item>
            <Descriptions.Item label={t('contracts.project', { no: '' }).trim()}>{contract.project_no}</Descriptions.Item>
            <Descriptions.Item label={t('contracts.column.signedOn')}>{formatDate(contract.signed_on, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('contracts.column.amount')}>{formatFen(contract.amount)}</Descriptions.Item>
            <Descriptions.Item label={t('contracts.column.paid')}>{formatFen(contract.paid)}</Descriptions.Item>
            <Descriptions.Item label={t('contracts.column.unpaid')}>{formatFen(contract.unpaid)}</Descriptions.Item>
          </Descriptions>
        ) : (
          <p className="zcd-muted">{contracts.isError ? t('contracts.failed') : t('common.loading')}</p>
        )}
      </section>

      <section aria-labelledby="offers-title">
        <h2 id="offers-title">{t('offers.title')}</h2>
        {offers.isError ? (
          <Alert type="error" showIcon title={t('offers.failed')} action={<Button onClick={() => void offers.refetch()}>{t('common.retry')}</Button>} />
        ) : (
          <>
            {offers.data && !offers.data.financeable && <Alert type="info" showIcon title={t('offers.notFinanceable')} />}
            <Radio.Group
              aria-label={t('offers.sortBy')}
              value={sort}
              onChange={(e) => setSort(e.target.value as SortKey)}
              optionType="button"
              options={(['maxLoan', 'rate', 'term', 'fee', 'speed'] as const).map((k) => ({ value: k, label: t(`offers.sort.${k}`) }))}
              className="zcd-offer-sort"
            />
            <Table<Offer>
              rowKey="product_id"
              columns={columns}
              dataSource={sorted}
              loading={offers.isFetching}
              pagination={false}
              aria-label={t('offers.title')}
              locale={{ emptyText: <Empty description={t('offers.empty')} /> }}
            />
            <p className="zcd-muted">{t('offers.daysHelp')}</p>
          </>
        )}
      </section>

      {offers.data && (
        <section aria-labelledby="credit-lines-title">
          <h2 id="credit-lines-title">{t('creditLines.title')}</h2>
          {offers.data.credit_lines.length === 0 ? (
            <p className="zcd-muted">{t('creditLines.empty')}</p>
          ) : (
            <ul className="zcd-credit-lines">
              {offers.data.credit_lines.map((l) => (
                <li key={l.id}>
                  {t('creditLines.item', {
                    bank: l.institution_name,
                    available: formatFen(l.available),
                    amount: formatFen(l.amount),
                    rate: formatBasisPoints(l.annual_rate_bp),
                    until: formatDateTime(l.valid_until, locale),
                  })}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {contract && offers.data && (
        <Suspense fallback={null}>
          <IntentPanel contractNo={contract.contract_no} unpaid={contract.unpaid} financeable={offers.data.financeable} />
        </Suspense>
      )}

      {chosen && contract && (
        <ApplyForm key={chosen.product_id} offer={chosen} contractNo={contract.contract_no} onCancel={() => setChosen(undefined)} locale={locale} />
      )}
    </Page>
  );
}

/** Apply: the amount (yuan → fen exactly), then the consent screen, then one application per confirmation. */
function ApplyForm({ offer, contractNo, onCancel, locale }: { offer: Offer; contractNo: string; onCancel: () => void; locale: 'zh-CN' | 'en' }) {
  const { t } = useI18n();
  const [step, setStep] = useState<'amount' | 'consent' | 'done'>('amount');
  const [amountText, setAmountText] = useState('');
  const [amountError, setAmountError] = useState<string | undefined>();
  const [fen, setFen] = useState(0);
  const [parts, setParts] = useState<ConsentPart[]>(['contract', 'payments']);
  const [daysText, setDaysText] = useState('90');
  // One key per confirmed application: a double click or a retry of the same request makes one application.
  const idempotencyKey = useRef<string>('');
  const create = $api.useMutation('post', '/api/v1/supplier/applications');
  // The form opens below the offers and the intent: bring it into view, or the press seems to do nothing.
  const heading = useFocusOnMount<HTMLHeadingElement>();

  const days = /^\d{1,3}$/.test(daysText.trim()) ? Number(daysText.trim()) : NaN;
  const daysOk = Number.isInteger(days) && days >= 1 && days <= 366;
  const until = daysOk ? new Date(Date.now() + days * DAY_MS) : undefined;

  const next = () => {
    const parsed = parseYuanToFen(amountText, offer.max_loan);
    if (!parsed.ok) {
      setAmountError(parsed.error === 'above_max' ? `${t('money.error.above_max')} ${t('apply.amountHelp', { max: formatFen(offer.max_loan) })}` : t(`money.error.${parsed.error}`));
      return;
    }
    setAmountError(undefined);
    setFen(parsed.fen);
    idempotencyKey.current = crypto.randomUUID();
    setStep('consent');
  };

  const confirm = () => {
    if (!until || parts.length === 0 || create.isPending) return;
    create.mutate(
      {
        params: { header: { 'Idempotency-Key': idempotencyKey.current } },
        body: { contract_no: contractNo, product_id: offer.product_id, requested_amount: fen, consent: { parts, expires_at: until.toISOString() } },
      },
      { onSuccess: () => setStep('done') },
    );
  };

  const title = t('apply.title', { product: offer.product_name, bank: offer.institution_name });
  return (
    <section aria-labelledby="apply-title" className="zcd-apply">
      <h2 id="apply-title" ref={heading} tabIndex={-1}>{step === 'consent' ? t('consent.title') : title}</h2>
      {step === 'amount' && (
        <Form layout="vertical" onFinish={next}>
          <Form.Item label={t('apply.amount')} htmlFor="apply-amount" validateStatus={amountError ? 'error' : ''} help={amountError ?? t('apply.amountHelp', { max: formatFen(offer.max_loan) })}>
            <Input
              id="apply-amount"
              inputMode="decimal"
              autoComplete="off"
              value={amountText}
              aria-invalid={amountError ? true : undefined}
              onChange={(e) => setAmountText(e.target.value)}
            />
          </Form.Item>
          {amountError && (
            <div role="alert" className="zcd-visually-hidden">
              {amountError}
            </div>
          )}
          <Space wrap>
            <Button type="primary" htmlType="submit">
              {t('apply.next')}
            </Button>
            <Button onClick={onCancel}>{t('apply.cancel')}</Button>
          </Space>
        </Form>
      )}
      {step === 'consent' && (
        <Form layout="vertical" onFinish={confirm}>
          <p>{title}</p>
          <p className="zcd-strong">{t('consent.summary', { amount: formatFen(fen) })}</p>
          <p>{t('consent.explain', { bank: offer.institution_name, until: until ? formatDateTime(until.toISOString(), locale) : '—' })}</p>
          <Form.Item label={t('consent.parts')} validateStatus={parts.length === 0 ? 'error' : ''} help={parts.length === 0 ? t('consent.partsRequired') : undefined}>
            <Checkbox.Group
              aria-label={t('consent.parts')}
              value={parts}
              onChange={(v) => setParts(CONSENT_PARTS.filter((p) => v.includes(p)))}
              options={CONSENT_PARTS.map((p) => ({ value: p, label: t(PART_LABEL[p]) }))}
              className="zcd-consent-parts"
            />
          </Form.Item>
          <Form.Item label={t('consent.days')} htmlFor="consent-days" validateStatus={daysOk ? '' : 'error'} help={daysOk ? undefined : t('consent.daysInvalid')}>
            <Input id="consent-days" inputMode="numeric" value={daysText} onChange={(e) => setDaysText(e.target.value)} />
          </Form.Item>
          {create.isError && <Alert type="error" showIcon role="alert" title={t('apply.failed', { detail: problemText(create.error, t) })} />}
          <Space wrap className="zcd-apply-actions">
            <Button type="primary" htmlType="submit" loading={create.isPending} disabled={!daysOk || parts.length === 0}>
              {t('consent.confirm')}
            </Button>
            <Button onClick={() => setStep('amount')}>{t('apply.back')}</Button>
          </Space>
        </Form>
      )}
      {step === 'done' && (
        <Result
          status="success"
          title={t('apply.done')}
          extra={
            <Link href="/applications" className="ant-btn ant-btn-primary">
              {t('apply.toApplications')}
            </Link>
          }
        />
      )}
    </section>
  );
}
