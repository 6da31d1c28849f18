import { Alert, Button, Empty, List, Space, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { components } from '../../../generated/openapi.js';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';
import type { MessageKey } from '../../shared/i18n/messages.js';
import { formatFen } from '../../shared/money.js';
import { Page } from '../../shared/shell/page.js';
import { formatDateTime } from '../portal-format.js';
import '../portal-page-messages.js';
import { NOTIFICATIONS_PATH as PATH } from './notifications-link.js';
import { problemText } from '../../shared/api/problem-text.js';

type Notification = components['schemas']['SupplierNotification'];
const PAGE_SIZE = 30;

const LABEL: Record<Notification['type'], MessageKey> = {
  'application.approved': 'notification.application.approved',
  'application.rejected': 'notification.application.rejected',
  'application.cancelled': 'notification.application.cancelled',
  'account_lock.confirmed': 'notification.account_lock.confirmed',
  'account_lock.failed': 'notification.account_lock.failed',
  'financing.disbursed': 'notification.financing.disbursed',
  'financing.settled': 'notification.financing.settled',
  'payment.received': 'notification.payment.received',
  'consent.expiring': 'notification.consent.expiring',
  'quote.received': 'notification.quote.received',
};

/** `/portal/notifications`: what happened to my applications, newest first; mark all read. */
export default function NotificationsPage() {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];
  const query = $api.useQuery('get', PATH, { params: { query: { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } } });
  const mark = $api.useMutation('post', '/api/v1/supplier/notifications/read', {
    onSuccess: () => client.invalidateQueries({ queryKey: ['get', PATH] }),
  });
  const next = query.data?.next_page_token;
  const unread = query.data?.unread_count ?? 0;

  return (
    <Page
      title="notifications.title"
      area="portal.name"
      extra={
        <Button disabled={unread === 0} loading={mark.isPending} onClick={() => mark.mutate({ body: {} })}>
          {t('notifications.markRead')}
        </Button>
      }
    >
      {mark.isError && <Alert type="error" showIcon role="alert" title={t('applications.actionFailed', { detail: problemText(mark.error, t) })} />}
      {query.isError ? (
        <Alert type="error" showIcon title={t('notifications.failed')} action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <List<Notification>
          loading={query.isFetching}
          dataSource={query.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('notifications.empty')} /> }}
          renderItem={(n) => (
            <List.Item>
              <Space orientation="vertical" size={0}>
                <Space wrap>
                  <span className={n.read ? undefined : 'zcd-strong'}>{t(LABEL[n.type])}</span>
                  {!n.read && <Tag color="blue">{t('notifications.unread')}</Tag>}
                  {n.amount !== undefined && <span>{formatFen(n.amount)}</span>}
                </Space>
                <span className="zcd-muted">
                  {/* Dated when the SME was told, as the list is ordered; a payment also says when the treasury paid. */}
                  {formatDateTime(n.received_at, locale)}
                  {n.type === 'payment.received' && <> · {t('notifications.paidOn', { date: formatDateTime(n.at, locale) })}</>} ·{' '}
                  <Link href={`/contracts/${encodeURIComponent(n.contract_no)}`}>{t('notifications.contract', { no: n.contract_no })}</Link>
                </span>
              </Space>
            </List.Item>
          )}
        />
      )}
      {(tokens.length > 1 || next) && (
        <nav className="zcd-pager" aria-label={t('notifications.pages')}>
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
