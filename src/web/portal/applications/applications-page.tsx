import { Alert, Button, Card, Descriptions, Empty, Grid, Popconfirm, Space, Spin, Steps, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { formatBasisPoints } from '../../shared/format.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { PART_LABEL } from '../contracts/contract-page.js';
import { formatDateTime } from '../portal-format.js';
import '../portal-page-messages.js';
import { problemText } from '../../shared/api/problem-text.js';

type Application = components['schemas']['Application'];
type TimelineEvent = components['schemas']['ApplicationEvent'];
type Status = Application['status'];

const PAGE_SIZE = 20;

export const STATUS_LABEL: Record<Status, MessageKey> = {
  submitted: 'application.status.submitted',
  under_review: 'application.status.under_review',
  approved: 'application.status.approved',
  account_lock_pending: 'application.status.account_lock_pending',
  account_locked: 'application.status.account_locked',
  lock_failed: 'application.status.lock_failed',
  disbursed: 'application.status.disbursed',
  repaying: 'application.status.repaying',
  settled: 'application.status.settled',
  overdue: 'application.status.overdue',
  defaulted: 'application.status.defaulted',
  withdrawn: 'application.status.withdrawn',
  rejected: 'application.status.rejected',
  cancelled: 'application.status.cancelled',
  superseded: 'application.status.superseded',
};

/** The road of a financing that goes well; where an application stands on it (off-road states end it). */
const ROAD: readonly Status[] = ['submitted', 'under_review', 'approved', 'account_locked', 'disbursed', 'repaying', 'settled'];
const ROAD_INDEX: Partial<Record<Status, number>> = {
  submitted: 0,
  under_review: 1,
  approved: 2,
  account_lock_pending: 2,
  lock_failed: 2,
  account_locked: 3,
  disbursed: 4,
  repaying: 5,
  overdue: 5,
  defaulted: 5,
  settled: 6,
};
const WITHDRAWABLE: ReadonlySet<Status> = new Set(['submitted', 'under_review', 'approved', 'account_lock_pending', 'account_locked', 'lock_failed']);
/** Not yet decided by the bank: what consent is for. */
const UNDECIDED: ReadonlySet<Status> = new Set(['submitted', 'under_review']);
const ENDED: ReadonlySet<Status> = new Set(['withdrawn', 'rejected', 'cancelled']);
const PROBLEM: ReadonlySet<Status> = new Set(['lock_failed', 'overdue', 'defaulted', 'rejected']);
/** The states in which the financing holds the collection account locked. */
const ACCOUNT_LOCKED: ReadonlySet<Status> = new Set(['account_locked', 'disbursed', 'repaying', 'overdue', 'defaulted']);

/** The collection account's label says where its lock stands: to be locked, locked, being released, released. */
function accountLabel(a: Application): MessageKey {
  if (a.account_release === 'account_released') return 'applications.account.released';
  if (a.account_release === 'account_release_pending') return 'applications.account.releasing';
  if (ACCOUNT_LOCKED.has(a.status)) return 'applications.account.locked';
  if (a.status === 'approved' || a.status === 'account_lock_pending') return 'applications.account.toLock';
  return 'applications.account';
}

/** `/portal/applications`: 我的申请 — each application's progress, terms, account, money, consent; withdraw, revoke. */
export default function ApplicationsPage() {
  const { t } = useI18n();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];
  const query = $api.useQuery('get', '/api/v1/supplier/applications', {
    params: { query: { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } },
  });
  const next = query.data?.next_page_token;
  const items = query.data?.items ?? [];

  return (
    <Page title="applications.title" area="portal.name">
      {query.isError ? (
        <Alert type="error" showIcon title={t('applications.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : query.isPending ? (
        <Spin aria-label={t('common.loading')} />
      ) : items.length === 0 ? (
        <Empty description={t('applications.empty')} />
      ) : (
        <ul className="zcd-application-list" aria-label={t('applications.title')}>
          {items.map((a) => (
            <li key={a.id}>
              <ApplicationCard a={a} />
            </li>
          ))}
        </ul>
      )}
      {(tokens.length > 1 || next) && (
        <nav className="zcd-pager" aria-label={t('applications.pages')}>
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

function ApplicationCard({ a }: { a: Application }) {
  const { t, locale } = useI18n();
  // On a phone each figure's label goes above it, so that a long label (回款账户（已解除锁定）) leaves the
  // account its whole line instead of a narrow column.
  const phone = !Grid.useBreakpoint().sm;
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['get', '/api/v1/supplier/applications'] }),
      client.invalidateQueries({ queryKey: ['get', '/api/v1/supplier/applications/{applicationId}'] }),
    ]);
  const withdraw = $api.useMutation('post', '/api/v1/supplier/applications/{applicationId}/withdraw', { onSuccess: refresh });
  const revoke = $api.useMutation('post', '/api/v1/supplier/applications/{applicationId}/consent/revoke', { onSuccess: refresh });
  const path = { applicationId: a.id };
  const at = (iso: string) => formatDateTime(iso, locale);
  const headingId = `application-${a.id}`;
  const roadAt = ROAD_INDEX[a.status];
  const failed = withdraw.error ?? revoke.error;

  const consent = a.consent.revoked_at
    ? t('applications.consentRevoked', { at: at(a.consent.revoked_at) })
    : a.consent.live
      ? t('applications.consentLive', { until: at(a.consent.expires_at), parts: a.consent.parts.map((p) => t(PART_LABEL[p])).join('、') })
      : t('applications.consentEnded');

  return (
    <Card
      role="article"
      aria-labelledby={headingId}
      title={
        <h2 id={headingId} className="zcd-card-title">
          {t('applications.heading', { bank: a.institution_name, contract: a.contract_no })}
        </h2>
      }
      extra={<Tag color={PROBLEM.has(a.status) ? 'red' : ENDED.has(a.status) ? 'default' : 'blue'}>{t(STATUS_LABEL[a.status])}</Tag>}
    >
      <h3 className="zcd-visually-hidden">{t('applications.timeline')}</h3>
      {roadAt !== undefined && (
        <Steps
          size="small"
          responsive
          current={roadAt}
          status={PROBLEM.has(a.status) ? 'error' : a.status === 'settled' ? 'finish' : 'process'}
          items={ROAD.map((s) => ({ title: t(STATUS_LABEL[s]) }))}
          className="zcd-application-steps"
        />
      )}
      <Timeline a={a} />
      <Descriptions column={{ xs: 1, sm: 2 }} size="small" layout={phone ? 'vertical' : 'horizontal'} colon={!phone}>
        <Descriptions.Item label={t('applications.requested')}>{formatFen(a.requested_amount)}</Descriptions.Item>
        {a.approved_amount !== undefined && <Descriptions.Item label={t('applications.approved')}>{formatFen(a.approved_amount)}</Descriptions.Item>}
        {a.annual_rate_bp !== undefined && <Descriptions.Item label={t('applications.rate')}>{formatBasisPoints(a.annual_rate_bp)}</Descriptions.Item>}
        {a.term_days !== undefined && <Descriptions.Item label={t('applications.term')}>{t('applications.termDays', { n: a.term_days })}</Descriptions.Item>}
        {a.collection_account && (
          <Descriptions.Item label={t(accountLabel(a))}>
            <span>
              {a.collection_account.bank_name} · {a.collection_account.account_name} · <span className="zcd-nowrap">{a.collection_account.account_number}</span>
            </span>
          </Descriptions.Item>
        )}
        {a.loan_no && <Descriptions.Item label={t('applications.loanNo')}>{a.loan_no}</Descriptions.Item>}
        <Descriptions.Item label={t('applications.disbursed')}>{formatFen(a.disbursed_amount)}</Descriptions.Item>
        <Descriptions.Item label={t('applications.repaid')}>{formatFen(a.repaid_amount)}</Descriptions.Item>
        <Descriptions.Item label={t('applications.outstanding')}>{formatFen(a.outstanding_amount)}</Descriptions.Item>
        <Descriptions.Item label={t('applications.consent')}>{consent}</Descriptions.Item>
      </Descriptions>
      {!a.consent.live && UNDECIDED.has(a.status) && (
        // Without consent the bank cannot read the contract it is to decide on: say what the SME can do.
        <Alert type="warning" showIcon className="zcd-consent-ended" title={t('applications.consentGoneUndecided')} />
      )}
      {failed && <Alert type="error" showIcon role="alert" title={t('applications.actionFailed', { detail: problemText(failed, t) })} />}
      <Space wrap className="zcd-application-actions">
        {WITHDRAWABLE.has(a.status) && (
          <Popconfirm title={t('applications.withdrawConfirm')} okText={t('applications.yes')} cancelText={t('applications.no')} onConfirm={() => withdraw.mutate({ params: { path } })}>
            <Button danger loading={withdraw.isPending}>
              {t('applications.withdraw')}
            </Button>
          </Popconfirm>
        )}
        {a.consent.live && (
          <Popconfirm title={t('applications.revokeConfirm')} okText={t('applications.yes')} cancelText={t('applications.no')} onConfirm={() => revoke.mutate({ params: { path } })}>
            <Button loading={revoke.isPending}>{t('applications.revoke')}</Button>
          </Popconfirm>
        )}
      </Space>
    </Card>
  );
}

/** What one moment of the timeline says, in the reader's language. */
function eventText(e: TimelineEvent, a: Application, t: ReturnType<typeof useI18n>['t']): string {
  const amount = e.amount !== undefined ? formatFen(e.amount) : '';
  switch (e.kind) {
    case 'status_changed':
      if (e.status === 'approved' && a.approved_amount !== undefined && a.annual_rate_bp !== undefined && a.term_days !== undefined) {
        return t('timeline.status.approved', { amount: formatFen(a.approved_amount), rate: formatBasisPoints(a.annual_rate_bp), term: a.term_days });
      }
      if (e.status === 'account_lock_pending' || e.status === 'account_locked') return t(`timeline.status.${e.status}`);
      return e.status ? t(STATUS_LABEL[e.status]) : '';
    case 'consent_granted':
    case 'consent_revoked':
    case 'account_released':
      return t(`timeline.${e.kind}`);
    default:
      return t(`timeline.${e.kind}`, { amount });
  }
}

/** Every state and event of one application with its time (`getSupplierApplication`), oldest first. */
function Timeline({ a }: { a: Application }) {
  const { t, locale } = useI18n();
  const detail = $api.useQuery('get', '/api/v1/supplier/applications/{applicationId}', { params: { path: { applicationId: a.id } } });
  const headingId = `timeline-${a.id}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t('timeline.title')}
      </h3>
      {detail.data ? (
        <ol className="zcd-timeline" aria-labelledby={headingId}>
          {detail.data.history.map((e, i) => (
            <li key={i}>
              <time dateTime={e.at} className="zcd-muted">
                {formatDateTime(e.at, locale)}
              </time>{' '}
              {eventText(e, detail.data, t)}
            </li>
          ))}
        </ol>
      ) : (
        <p className="zcd-muted">{detail.isError ? problemText(detail.error, t) : t('timeline.loading')}</p>
      )}
    </section>
  );
}
