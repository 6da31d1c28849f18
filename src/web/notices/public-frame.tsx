import type { ReactNode } from 'react';
import { useI18n } from '../shared/i18n/i18n.js';
import { LanguageSwitch } from '../shared/shell/language-switch.js';
import { useShellColours } from '../shared/shell/shell-colours.js';
import { SkipLink } from '../shared/shell/skip-link.js';

/** The frame of the public pages below `/`: the brand linking home, the language switch, the footer. */
export function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const colours = useShellColours();
  return (
    <div className="zcd-shell" style={colours}>
      <SkipLink />
      <header className="zcd-header">
        <div className="zcd-header__bar">
          <a href="/" className="zcd-brand">
            <span className="zcd-brand__mark" aria-hidden="true">
              {t('app.mark')}
            </span>
            <span className="zcd-brand__area">{t('app.name')}</span>
          </a>
          <div className="zcd-header__tools">
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="zcd-main">
        {children}
      </main>
      <footer className="zcd-footer">
        <a href="/">{t('shell.footer.home')}</a>
        <a href="/docs">{t('shell.footer.docs')}</a>
        <span>{t('shell.footer.note')}</span>
      </footer>
    </div>
  );
}
