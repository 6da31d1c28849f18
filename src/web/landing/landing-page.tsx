import { useEffect } from 'react';
import { useI18n } from '../shared/i18n/i18n.js';
import type { MessageKey } from '../shared/i18n/messages.js';
import { LanguageSwitch } from '../shared/shell/language-switch.js';
import { useShellColours } from '../shared/shell/shell-colours.js';
import { SkipLink } from '../shared/shell/skip-link.js';
import { LatestNotices } from './latest-notices.js';
import { PublicStatistics } from './public-statistics/public-statistics.js';

const ENTRIES: readonly { href: string; title: MessageKey; who: MessageKey; what: MessageKey }[] = [
  { href: '/portal', title: 'landing.portal.title', who: 'landing.portal.who', what: 'landing.portal.what' },
  { href: '/console', title: 'landing.console.title', who: 'landing.console.who', what: 'landing.console.what' },
  { href: '/docs', title: 'landing.docs.title', who: 'landing.docs.who', what: 'landing.docs.what' },
  { href: '#statistics', title: 'landing.stats.title', who: 'landing.stats.who', what: 'landing.stats.what' },
];

/** `/`: what the gateway is, where each kind of user goes, and the published statistics. */
export default function LandingPage() {
  const { t } = useI18n();
  const colours = useShellColours();
  useEffect(() => {
    document.title = t('landing.documentTitle');
  }, [t]);
  return (
    <div className="zcd-shell" style={colours}>
      <SkipLink />
      <header className="zcd-header">
        <div className="zcd-header__bar">
          <a href="/" className="zcd-brand" aria-current="page">
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
        <section className="zcd-hero" aria-labelledby="landing-title">
          <h1 id="landing-title">{t('landing.title')}</h1>
          <p>{t('landing.intro1')}</p>
          <p>{t('landing.intro2')}</p>
        </section>
        <nav aria-label={t('landing.entriesLabel')}>
          <ul className="zcd-entries">
            {ENTRIES.map((e) => (
              <li key={e.href}>
                <a className="zcd-entry" href={e.href}>
                  <span className="zcd-entry__title">{t(e.title)}</span>
                  <span className="zcd-entry__who">{t(e.who)}</span>
                  <span className="zcd-entry__what">{t(e.what)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <section id="notices" className="zcd-panel" aria-labelledby="notices-title">
          <h2 id="notices-title">{t('notices.heading')}</h2>
          <LatestNotices />
        </section>
        <section id="statistics" className="zcd-panel" aria-labelledby="statistics-title">
          <h2 id="statistics-title">{t('landing.stats.heading')}</h2>
          <PublicStatistics />
        </section>
      </main>
      <footer className="zcd-footer">
        <a href="/docs">{t('shell.footer.docs')}</a>
        <a href="/openapi.yaml">{t('landing.footer.spec')}</a>
        <span>{t('shell.footer.note')}</span>
      </footer>
    </div>
  );
}
