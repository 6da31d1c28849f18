import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';

/** A page of an area: its heading (the page's one `h1`), optional actions beside it, and the tab's title. */
export function Page({ title, area, extra, children }: { title: MessageKey; area: MessageKey; extra?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t(title)} · ${t(area)}`;
  }, [t, title, area]);
  return (
    <>
      <div className="zcd-page-heading">
        <h1 className="zcd-page-title">{t(title)}</h1>
        {extra}
      </div>
      {children}
    </>
  );
}
