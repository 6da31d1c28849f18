import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AreaShell, type NavItem } from '../shared/shell/area-shell.js';
import { AreaNotFound } from '../shared/shell/area-not-found.js';
import { PageLoading } from '../shared/shell/page-loading.js';
import { NotificationsLink } from './notifications/notifications-link.js';
import { addMessages } from '../shared/i18n/translate.js';
import { portalMessages } from './portal-messages.js';

addMessages(portalMessages);

const ContractsPage = lazy(() => import('./contracts/contracts-page.js'));
const ContractPage = lazy(() => import('./contracts/contract-page.js'));
const ApplicationsPage = lazy(() => import('./applications/applications-page.js'));
const DataAccessPage = lazy(() => import('./data-access/data-access-page.js'));
const NotificationsPage = lazy(() => import('./notifications/notifications-page.js'));

/** The portal's navigation; each page of the portal adds its entry here. */
const NAV: readonly NavItem[] = [
  { to: '/', label: 'portal.nav.contracts', end: true },
  { to: '/applications', label: 'portal.nav.applications' },
  { to: '/data-access', label: 'portal.nav.dataAccess' },
];

/** `/portal…`: the SME portal (我的合同融资), for suppliers signed in through the procurement cloud. */
export default function PortalApp() {
  return (
    <AreaShell home="/portal" name="portal.name" signInAs="supplier" nav={NAV} tools={<NotificationsLink />}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={ContractsPage} />
          <Route path="/contracts/:contractNo" component={ContractPage} />
          <Route path="/applications" component={ApplicationsPage} />
          <Route path="/data-access" component={DataAccessPage} />
          <Route path="/notifications" component={NotificationsPage} />
          <Route>
            <AreaNotFound home="/portal" area="portal.name" />
          </Route>
        </Switch>
      </Suspense>
    </AreaShell>
  );
}
