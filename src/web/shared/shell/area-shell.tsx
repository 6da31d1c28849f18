import { Alert, Button, Spin, Tag } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { rememberSession, signInUrl, useSession, useSignOut, type Session, type SignInAs } from '../api/session.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { LanguageSwitch } from './language-switch.js';
import { Notice } from './notice.js';
import { useShellColours } from './shell-colours.js';
import { SkipLink } from './skip-link.js';

/** One entry of an area's navigation. */
export interface NavItem {
  /** Path of the page inside the area, e.g. `/contracts` for `/portal/contracts`; `/` is the area's home. */
  to: string;
  label: MessageKey;
  /** Only the path itself is current, not the paths below it (the area's home). */
  end?: boolean;
}

/** What an area (the SME portal, the bureau console) puts in the shell, inside its nested `<Route nest>`. */
export interface AreaShellProps {
  /** The area's home path: `/portal` or `/console`. */
  home: string;
  /** The area's name in the header and the tab title. */
  name: MessageKey;
  /** Who signs in here. */
  signInAs: SignInAs;
  nav: readonly NavItem[];
  /** Shown in the header's tools to a signed-in person (the portal's unread-notifications link). */
  tools?: ReactNode;
  /** The area's pages: shown only to a signed-in person of the right kind. */
  children: ReactNode;
}

const ROLE_LABELS: Record<NonNullable<Session['role']>, MessageKey> = {
  admin: 'role.admin',
  reviewer: 'role.reviewer',
  viewer: 'role.viewer',
};

/** Moves keyboard and screen-reader focus to the main content after an in-app navigation (not on first load). */
function useFocusMainOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const [pathname] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [pathname, main]);
}

function Identity({ session }: { session: Session }) {
  const { t } = useI18n();
  const org = session.organisation;
  return (
    <div className="zcd-identity">
      <span className="zcd-identity__name">{session.name}</span>
      <span className="zcd-identity__org">
        {org.name}
        {org.region_name && !org.name.includes(org.region_name) ? ` · ${org.region_name}` : ''}
      </span>
      <Tag className="zcd-identity__role">
        {session.role ? t(ROLE_LABELS[session.role]) : t(session.kind === 'staff' ? 'kind.staff' : 'kind.supplier')}
      </Tag>
    </div>
  );
}

function SignOutButton() {
  const { t } = useI18n();
  const { signOut, pending, failed } = useSignOut();
  return (
    <>
      <Button onClick={signOut} loading={pending}>
        {t('shell.signOut')}
      </Button>
      {failed && (
        <span role="alert" className="zcd-identity__error">
          {t('shell.signOutFailed')}
        </span>
      )}
    </>
  );
}

function SignInPrompt({ as, home, ended }: { as: SignInAs; home: string; ended: boolean }) {
  const { t } = useI18n();
  const { pathname, search } = window.location;
  const returnTo = pathname === home || pathname.startsWith(home + '/') ? pathname + search : home;
  const supplier = as === 'supplier';
  return (
    <Notice
      title={t(supplier ? 'signIn.supplier.title' : 'signIn.staff.title')}
      actions={
        <>
          <Button type="primary" size="large" href={signInUrl(as, returnTo)} onClick={() => rememberSession(false)}>
            {t(supplier ? 'signIn.supplier.action' : 'signIn.staff.action')}
          </Button>
          <Button size="large" href="/">
            {t('shell.backToHome')}
          </Button>
        </>
      }
    >
      {ended && <Alert type="warning" showIcon className="zcd-session-ended" title={t('signIn.ended')} />}
      {t(supplier ? 'signIn.supplier.explain' : 'signIn.staff.explain')}
    </Notice>
  );
}

function WrongAccount({ session, as }: { session: Session; as: SignInAs }) {
  const { t } = useI18n();
  const { signOut, pending } = useSignOut();
  const staff = session.kind === 'staff';
  return (
    <Notice
      tone="warning"
      title={t(as === 'supplier' ? 'wrongAccount.needSupplier' : 'wrongAccount.needStaff')}
      actions={
        <>
          <Button type="primary" href={staff ? '/console' : '/portal'}>
            {t(staff ? 'wrongAccount.toConsole' : 'wrongAccount.toPortal')}
          </Button>
          <Button onClick={signOut} loading={pending}>
            {t('shell.signOut')}
          </Button>
        </>
      }
    >
      {t('wrongAccount.explain', { name: session.name })}
    </Notice>
  );
}

function NavLink({ item }: { item: NavItem }) {
  const { t } = useI18n();
  const [location] = useLocation();
  const current = location === item.to || (!item.end && location.startsWith(item.to.replace(/\/$/, '') + '/'));
  const entry = useRef<HTMLLIElement>(null);
  // On a phone the bar scrolls sideways; it is turned so that the current page's entry shows, in its middle
  // where there is room, and says where the person is. Only the bar moves, never the page.
  useEffect(() => {
    const li = entry.current;
    const bar = li?.closest('nav');
    if (!current || !li || !bar || bar.scrollWidth <= bar.clientWidth) return;
    const offset = li.getBoundingClientRect().left - bar.getBoundingClientRect().left;
    bar.scrollLeft += offset - (bar.clientWidth - li.offsetWidth) / 2;
  }, [current]);
  return (
    <li ref={entry}>
      <Link href={item.to} aria-current={current ? 'page' : undefined}>
        {t(item.label)}
      </Link>
    </li>
  );
}

/**
 * The frame of the portal and the console: skip link, header (area, language, who is signed in, sign-out),
 * navigation, main content and footer, as landmarks. Signed out, the main content asks the person to sign in
 * with the sign-in contract's link and comes back to the page they asked for.
 */
export function AreaShell({ home, name, signInAs, nav, tools, children }: AreaShellProps) {
  const { t } = useI18n();
  const colours = useShellColours();
  const state = useSession();
  const main = useRef<HTMLElement>(null);
  useFocusMainOnNavigate(main);
  const signedIn = state.status === 'signed-in' && state.session.kind === signInAs ? state.session : undefined;

  useEffect(() => {
    if (!signedIn) document.title = t(name);
  }, [signedIn, t, name]);

  let content: ReactNode;
  if (state.status === 'loading') {
    content = (
      <div className="zcd-centre" role="status">
        <Spin />
        <span>{t('shell.checkingSession')}</span>
      </div>
    );
  } else if (state.status === 'failed') {
    content = (
      <Alert
        type="error"
        showIcon
        title={t('shell.sessionFailed')}
        action={<Button onClick={state.retry}>{t('common.retry')}</Button>}
      />
    );
  } else if (state.status === 'signed-out') {
    content = <SignInPrompt as={signInAs} home={home} ended={state.ended} />;
  } else if (!signedIn) {
    content = <WrongAccount session={state.session} as={signInAs} />;
  } else {
    content = children;
  }

  return (
    <div className="zcd-shell" style={colours}>
      <SkipLink />
      <header className="zcd-header">
        <div className="zcd-header__bar">
          <Link href="/" className="zcd-brand">
            <span className="zcd-brand__mark" aria-hidden="true">
              {t('app.mark')}
            </span>
            <span className="zcd-brand__area">{t(name)}</span>
          </Link>
          {signedIn && <Identity session={signedIn} />}
          <div className="zcd-header__tools">
            {signedIn && tools}
            <LanguageSwitch />
            {signedIn && <SignOutButton />}
          </div>
        </div>
        {signedIn && nav.length > 0 && (
          <nav className="zcd-nav" aria-label={t('shell.navigation')}>
            <ul>
              {nav.map((item) => (
                <NavLink key={item.to} item={item} />
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1} className="zcd-main">
        {content}
      </main>
      <footer className="zcd-footer">
        <a href="/">{t('shell.footer.home')}</a>
        <a href="/docs">{t('shell.footer.docs')}</a>
        <span>{t('shell.footer.note')}</span>
      </footer>
    </div>
  );
}
