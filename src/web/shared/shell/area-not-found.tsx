import { Button } from 'antd';
import { useEffect } from 'react';
import type { MessageKey } from '../i18n/messages.js';
import { useI18n } from '../i18n/i18n.js';
import { Notice } from './notice.js';

/** A path inside an area that no page answers (a mistyped or outdated link). */
export function AreaNotFound({ home, area }: { home: string; area: MessageKey }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('notFound.title')} · ${t(area)}`;
  }, [t, area]);
  return (
    <Notice
      title={t('notFound.title')}
      actions={
        <Button type="primary" href={home}>
          {t('notFound.back', { area: t(area) })}
        </Button>
      }
    >
      {t('notFound.explain')}
    </Notice>
  );
}
