import { Spin } from 'antd';
import { useI18n } from '../i18n/i18n.js';

/** Shown while a page's code or first data arrives. */
export function PageLoading() {
  const { t } = useI18n();
  return (
    <div className="zcd-centre" role="status">
      <Spin />
      <span>{t('common.loading')}</span>
    </div>
  );
}
