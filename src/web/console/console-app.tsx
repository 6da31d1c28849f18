import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AreaShell, type NavItem } from '../shared/shell/area-shell.js';
import { AreaNotFound } from '../shared/shell/area-not-found.js';
import { PageLoading } from '../shared/shell/page-loading.js';
import './console.css';
import { addMessages } from '../shared/i18n/translate.js';
import { consoleMessages } from './console-messages.js';

addMessages(consoleMessages);

const OverviewPage = lazy(() => import('./overview/overview-page.js'));
const LatePaymentsPage = lazy(() => import('./supervision/late-payments-page.js'));
const NoticesAdminPage = lazy(() => import('./supervision/notices-admin-page.js'));
const InstitutionsPage = lazy(() => import('./institutions/institutions-page.js'));
const OnboardPage = lazy(() => import('./institutions/onboard-page.js'));
const InstitutionPage = lazy(() => import('./institutions/institution-page.js'));
const AuditPage = lazy(() => import('./audit/audit-page.js'));
const ProductsPage = lazy(() => import('./products/products-page.js'));
const ApplicationsPage = lazy(() => import('./applications/applications-page.js'));
const ApplicationPage = lazy(() => import('./applications/application-page.js'));
const StaffPage = lazy(() => import('./staff/staff-page.js'));
const PolicyPage = lazy(() => import('./policy/policy-page.js'));
const MonthlyReportPage = lazy(() => import('./reports/monthly-report-page.js'));

/** The console's navigation; each page of the console adds its entry here. */
const NAV: readonly NavItem[] = [
  { to: '/', label: 'console.nav.overview', end: true },
  { to: '/late-payments', label: 'console.nav.latePayments' },
  { to: '/notices', label: 'console.nav.notices' },
  { to: '/institutions', label: 'console.nav.institutions' },
  { to: '/products', label: 'console.nav.products' },
  { to: '/audit', label: 'console.nav.audit' },
  { to: '/applications', label: 'console.nav.applications' },
  { to: '/policy', label: 'console.nav.policy' },
  { to: '/staff', label: 'console.nav.staff' },
  { to: '/reports', label: 'console.nav.report' },
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
          <Route path="/institutions" component={InstitutionsPage} />
          <Route path="/institutions/new" component={OnboardPage} />
          <Route path="/institutions/:id" component={InstitutionPage} />
          <Route path="/products" component={ProductsPage} />
          <Route path="/audit" component={AuditPage} />
          <Route path="/applications" component={ApplicationsPage} />
          <Route path="/applications/:id" component={ApplicationPage} />
          <Route path="/policy" component={PolicyPage} />
          <Route path="/staff" component={StaffPage} />
          <Route path="/reports" component={MonthlyReportPage} />
          <Route>
            <AreaNotFound home="/console" area="console.name" />
          </Route>
        </Switch>
      </Suspense>
    </AreaShell>
  );
}
