import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AreaShell, type NavItem } from '../shared/shell/area-shell.js';
import { AreaNotFound } from '../shared/shell/area-not-found.js';
import { PageLoading } from '../shared/shell/page-loading.js';

const OverviewPage = lazy(() => import('./overview/overview-page.js'));
const LatePaymentsPage = lazy(() => import('./supervision/late-payments-page.js'));
const NoticesAdminPage = lazy(() => import('./supervision/notices-admin-page.js'));

/** The console's navigation; each page of the console adds its entry here. */
const NAV: readonly NavItem[] = [
  { to: '/', label: 'console.nav.overview', end: true },
  { to: '/late-payments', label: 'console.nav.latePayments' },
  { to: '/notices', label: 'console.nav.notices' },
];

/** `/console…`: the bureau console (政采贷监管), for finance bureau staff signed in at their identity provider. */
export default function ConsoleApp() {
  return (
    <AreaShell home="/console" name="console.name" signInAs="staff" nav={NAV}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/late-payments" component={LatePaymentsPage} />
          <Route path="/notices" component={NoticesAdminPage} />
          <Route>
            <AreaNotFound home="/console" area="console.name" />
          </Route>
        </Switch>
      </Suspense>
    </AreaShell>
  );
}
