/**
 * The panel's routes (under the base path /admin). Every page but sign-in sits inside the shell,
 * whose `beforeLoad` checks the session and sends a visitor without one to the sign-in page.
 * Pages are loaded on demand (`lazyRouteComponent`): the first page loads the shell and itself,
 * not the explorer or CodeMirror.
 *
 *   /admin/                      Dashboard
 *   /admin/sign-in               sign-in (?reason=expired|signed-out, ?redirect=/explorer…)
 *   /admin/explorer              API explorer
 *   /admin/explorer/$operation   one operation, its form pre-filled from the query string
 */
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { sessionState, type SignInReason } from './api';
import { sessionQuery } from './session-query';
import { AppShell } from './shell/app-shell';
import { NotFoundPage } from './shell/not-found-page';
import { RootLayout } from './shell/root-layout';

/** What every route can reach. */
export interface RouterContext {
  readonly queryClient: QueryClient;
}

/** The sign-in page's search values. */
export interface SignInSearch {
  readonly reason?: SignInReason;
  readonly redirect?: string;
}

/** The explorer's search values: the form's values, as text (e.g. `?processId=…`). */
export type ExplorerSearch = Readonly<Record<string, string>>;

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: RootLayout,
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch => ({
    ...(search.reason === 'expired' || search.reason === 'signed-out' ? { reason: search.reason } : {}),
    ...(typeof search.redirect === 'string' ? { redirect: search.redirect } : {}),
  }),
  component: lazyRouteComponent(() => import('./sign-in/sign-in-page'), 'SignInPage'),
});

const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'shell',
  beforeLoad: async ({ context, location }) => {
    const current = await context.queryClient.ensureQueryData(sessionQuery);
    if (current === null) {
      // A tab that was signed in has lost its session (expired, server restarted): say so.
      const reason: SignInReason | undefined = sessionState.signedOut() ? 'expired' : undefined;
      throw redirect({ to: '/sign-in', search: { ...(reason === undefined ? {} : { reason }), redirect: location.href } });
    }
  },
  component: AppShell,
});

const dashboardRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./dashboard/dashboard-page'), 'DashboardPage'),
});

const explorerRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: 'explorer',
  component: lazyRouteComponent(() => import('./explorer/explorer-page'), 'ExplorerPage'),
});

const explorerOperationRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: 'explorer/$operation',
  validateSearch: (search: Record<string, unknown>): ExplorerSearch =>
    Object.fromEntries(Object.entries(search).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])),
  component: lazyRouteComponent(() => import('./explorer/explorer-page'), 'ExplorerPage'),
});

const routeTree = rootRoute.addChildren([signInRoute, shellRoute.addChildren([dashboardRoute, explorerRoute, explorerOperationRoute])]);

/** Builds the router over the app's query cache. */
export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    basepath: '/admin',
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
