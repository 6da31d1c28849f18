import { useI18n } from '../i18n/i18n.js';

/** The first stop of the Tab key: jumps past the header and navigation to the page's main content. */
export function SkipLink() {
  const { t } = useI18n();
  return (
    <a className="zcd-skip-link" href="#main">
      {t('shell.skipToContent')}
    </a>
  );
}
