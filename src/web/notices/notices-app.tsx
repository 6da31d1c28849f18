import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { PageLoading } from '../shared/shell/page-loading.js';
import { PublicFrame } from './public-frame.js';

const NoticesListPage = lazy(() => import('./notices-list-page.js'));
const NoticePage = lazy(() => import('./notice-page.js'));

/** `/notices…`: the public information release (信息发布、失信通报), no sign-in. */
export default function NoticesApp() {
  return (
    <PublicFrame>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={NoticesListPage} />
          <Route path="/:id">{(params) => <NoticePage params={params} />}</Route>
        </Switch>
      </Suspense>
    </PublicFrame>
  );
}
