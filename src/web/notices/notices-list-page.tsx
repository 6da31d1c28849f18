import { Alert, Button, Empty, Segmented, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../shared/api/client.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { NoticeList } from './notice-list.js';
import { kindLabel, NOTICE_KINDS, type NoticeKind } from './notice-text.js';

const PAGE_SIZE = 20;

/** `/notices`: everything published, newest first, by kind, a page at a time. */
export default function NoticesListPage() {
  const { t } = useI18n();
  const [kind, setKind] = useState<NoticeKind | 'all'>('all');
  useEffect(() => {
    document.title = t('notices.documentTitle');
  }, [t]);
  const query = useInfiniteQuery({
    queryKey: ['get', '/api/v1/public/notices', kind],
    initialPageParam: undefined as string | undefined,
    staleTime: 300_000,
    queryFn: async ({ pageParam }) => {
      const { data, error } = await api.GET('/api/v1/public/notices', {
        params: { query: { page_size: PAGE_SIZE, ...(kind === 'all' ? {} : { kind }), ...(pageParam ? { page_token: pageParam } : {}) } },
      });
      if (error) throw error;
      return data;
    },
    getNextPageParam: (last) => last.next_page_token,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="zcd-panel" aria-labelledby="notices-title">
      <h1 id="notices-title">{t('notices.heading')}</h1>
      <div role="group" aria-label={t('notices.filter')} className="zcd-notice-filter">
        <Segmented<NoticeKind | 'all'>
          value={kind}
          onChange={setKind}
          options={[{ value: 'all', label: t('notices.kind.all') }, ...NOTICE_KINDS.map((k) => ({ value: k, label: t(kindLabel(k)) }))]}
        />
      </div>
      {query.isPending ? (
        <Skeleton active aria-busy="true" />
      ) : query.isError ? (
        <Alert type="warning" showIcon title={t('notices.failed')} />
      ) : items.length === 0 ? (
        <Empty description={t('notices.none')} />
      ) : (
        <>
          <NoticeList items={items} base="" />
          {query.hasNextPage ? (
            <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
              {t('notices.more')}
            </Button>
          ) : null}
        </>
      )}
    </section>
  );
}
