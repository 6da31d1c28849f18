import { Alert, Descriptions, Skeleton, Tag } from 'antd';
import { useEffect } from 'react';
import { Link } from 'wouter';
import { $api, problemStatus } from '../shared/api/client.js';
import { formatDate } from '../shared/format.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { Notice } from '../shared/shell/notice.js';
import { chinaDayOf, kindLabel } from './notice-text.js';

/** `/notices/{id}`: one published notice, and for a record its subject, finding, decision and period. */
export default function NoticePage({ params }: { params: { id: string } }) {
  const { t, locale } = useI18n();
  const query = $api.useQuery('get', '/api/v1/public/notices/{noticeId}', { params: { path: { noticeId: params.id } } }, { staleTime: 300_000 });
  const title = query.data?.title;
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('notices.documentTitle');
  }, [title, t]);
  const back = (
    <Link href="/" className="zcd-back-link">
      {t('notices.back')}
    </Link>
  );
  if (query.isPending) return <Skeleton active aria-busy="true" />;
  if (query.isError) {
    return problemStatus(query.error) === 404 ? (
      <Notice title={t('notices.notFound.title')} actions={back}>
        <p>{t('notices.notFound.text')}</p>
      </Notice>
    ) : (
      <Alert type="warning" showIcon title={t('notices.failed')} />
    );
  }
  const n = query.data;
  const date = (d: string) => formatDate(d, locale);
  return (
    <article className="zcd-panel" aria-labelledby="notice-heading">
      <p>{back}</p>
      <Tag color={n.kind === 'policy' ? 'blue' : 'red'}>{t(kindLabel(n.kind))}</Tag>
      <h1 id="notice-heading">{n.title}</h1>
      <p className="zcd-muted">{t('notices.publishedOn', { bureau: n.issuing_bureau_name, date: date(chinaDayOf(n.published_at)) })}</p>
      {n.subject ? (
        <Descriptions
          title={t('notices.record')}
          bordered
          size="small"
          column={1}
          items={[
            { key: 'subject', label: t('notices.subject'), children: n.subject.name },
            { key: 'uscc', label: t('notices.uscc'), children: <span className="zcd-code">{n.subject.uscc}</span> },
            ...(n.finding ? [{ key: 'finding', label: t('notices.finding'), children: <span className="zcd-prewrap">{n.finding}</span> }] : []),
            ...(n.decision_no ? [{ key: 'decision', label: t('notices.decisionNo'), children: n.decision_no }] : []),
            ...(n.period_start && n.period_end ? [{ key: 'period', label: t('notices.period'), children: t('notices.periodRange', { from: date(n.period_start), to: date(n.period_end) }) }] : []),
            { key: 'issuer', label: t('notices.issuer'), children: n.issuing_bureau_name },
          ]}
        />
      ) : null}
      {n.body ? <div className="zcd-prewrap zcd-notice-body">{n.body}</div> : null}
    </article>
  );
}
