import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AreaShell, type NavItem } from '../shared/shell/area-shell.js';
import { AreaNotFound } from '../shared/shell/area-not-found.js';
import { PageLoading } from '../shared/shell/page-loading.js';

const ContractsPage = lazy(() => import('./contracts/contracts-page.js'));

/** The portal's navigation; each page of the portal adds its entry here. */
const NAV: readonly NavItem[] = [{ to: '/', label: 'portal.nav.contracts', end: true }];

/** `/portal…`: the SME portal (我的合同融资), for suppliers signed in through the procurement cloud. */
export default function PortalApp() {
  return (
    <AreaShell home="/portal" name="portal.name" signInAs="supplier" nav={NAV}>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={ContractsPage} />
          <Route>
            <AreaNotFound home="/portal" area="portal.name" />
          </Route>
        </Switch>
      </Suspense>
    </AreaShell>
  );
}
