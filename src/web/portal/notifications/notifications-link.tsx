import { Badge } from 'antd';
import { Link } from 'wouter';
import { $api } from '../../shared/api/client.js';
import { useI18n } from '../../shared/i18n/i18n.js';

/** `listSupplierNotifications`, shared by the header's link and the page so that marking read updates both. */
export const NOTIFICATIONS_PATH = '/api/v1/supplier/notifications';

/** The header's link to the notifications, with the unread count (`listSupplierNotifications`, polled). */
export function NotificationsLink() {
  const { t } = useI18n();
  const query = $api.useQuery('get', NOTIFICATIONS_PATH, { params: { query: { page_size: 1 } } }, { refetchInterval: 60_000 });
  const n = query.data?.unread_count ?? 0;
  return (
    <Link href="/notifications" className="zcd-notifications-link">
      <span aria-hidden="true">
        <Badge count={n} size="small" offset={[6, -2]}>
          <span>{t('notifications.link')}</span>
        </Badge>
      </span>
      <span className="zcd-visually-hidden">{n > 0 ? t('notifications.linkUnread', { n }) : t('notifications.link')}</span>
    </Link>
  );
}

