import { Alert, Empty, Skeleton } from 'antd';
import { $api } from '../shared/api/client.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { NoticeList } from '../notices/notice-list.js';

/** The landing page's five latest published notices (`listPublicNotices`), and the way to all of them. */
export function LatestNotices() {
  const { t } = useI18n();
  const query = $api.useQuery('get', '/api/v1/public/notices', { params: { query: { page_size: 5 } } }, { staleTime: 300_000 });
  if (query.isPending) return <Skeleton active aria-busy="true" />;
  if (query.isError) return <Alert type="warning" showIcon title={t('notices.failed')} />;
  return (
    <>
      {query.data.items.length ? <NoticeList items={query.data.items} base="/notices" /> : <Empty description={t('notices.none')} />}
      <p>
        <a href="/notices">{t('notices.all')}</a>
      </p>
    </>
  );
}
