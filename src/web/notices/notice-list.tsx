import { Tag } from 'antd';
import { Link } from 'wouter';
import { formatDate } from '../shared/format.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { chinaDayOf, kindLabel, type PublicNotice } from './notice-text.js';

/** Notices as a list of links, each with its kind, issuing bureau and day of publication. */
export function NoticeList({ items, base }: { items: readonly PublicNotice[]; base: string }) {
  const { t, locale } = useI18n();
  return (
    <ul className="zcd-notice-list">
      {items.map((n) => (
        <li key={n.id} className="zcd-notice-list__item">
          <Tag color={n.kind === 'policy' ? 'blue' : 'red'}>{t(kindLabel(n.kind))}</Tag>
          <Link href={`${base}/${n.id}`} className="zcd-notice-list__title">
            {n.title}
          </Link>
          <span className="zcd-muted zcd-notice-list__meta">{t('notices.publishedOn', { bureau: n.issuing_bureau_name, date: formatDate(chinaDayOf(n.published_at), locale) })}</span>
        </li>
      ))}
    </ul>
  );
}
