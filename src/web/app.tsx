import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { problemStatus } from './shared/api/client.js';
import { SESSION_QUERY } from './shared/api/session.js';
import { cspNonce } from './shared/csp-nonce.js';
import { I18nProvider, useI18n } from './shared/i18n/i18n.js';
import { PageLoading } from './shared/shell/page-loading.js';
import { theme } from './shared/theme.js';

// Each area is its own chunk: the landing page, the SME portal and the bureau console load only their own code.
const LandingPage = lazy(() => import('./landing/landing-page.js'));
const PortalApp = lazy(() => import('./portal/portal-app.js'));
const ConsoleApp = lazy(() => import('./console/console-app.js'));
const NoticesApp = lazy(() => import('./notices/notices-app.js'));

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    // A 401 from any other call means the session ended: ask again, and the shell shows the sign-in prompt.
    onError: (error, query) => {
      if (problemStatus(error) === 401 && query.queryKey[1] !== SESSION_QUERY[1]) {
        void queryClient.invalidateQueries({ queryKey: SESSION_QUERY });
      }
    },
  }),
  defaultOptions: {
    queries: {
      // Retry what the network or the server failed, never what the gateway refused.
      retry: (failures, error) => failures < 2 && (problemStatus(error) ?? 500) >= 500,
      refetchOnWindowFocus: false,
    },
  },
});

const nonce = cspNonce();

function Themed() {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={theme} csp={nonce ? { nonce } : undefined}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={LandingPage} />
          <Route path="/portal" nest>
            <PortalApp />
          </Route>
          <Route path="/console" nest>
            <ConsoleApp />
          </Route>
          <Route path="/notices" nest>
            <NoticesApp />
          </Route>
        </Switch>
      </Suspense>
    </ConfigProvider>
  );
}

/** The whole web app: language, theme (once, with this page's CSP nonce), API cache and the three areas. */
export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Themed />
      </QueryClientProvider>
    </I18nProvider>
  );
}
