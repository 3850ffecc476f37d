import type { FastifyInstance } from 'fastify';

/** One registered route. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const collected = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Starts recording the routes of `app` through fastify's `onRoute` hook. Call it right after
 * creating the app, before any route or plugin is registered; {@link listRoutes} then returns them.
 */
export function trackRoutes(app: FastifyInstance): void {
  if (collected.has(app)) return;
  const routes: RouteEntry[] = [];
  collected.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });
}

/**
 * The routes of an app that was passed to {@link trackRoutes} (for tests that walk the route table,
 * e.g. to check every admin and Workflow API route refuses calls without credentials).
 * @throws Error when the app was not tracked.
 */
export function listRoutes(app: FastifyInstance): readonly RouteEntry[] {
  const routes = collected.get(app);
  if (routes === undefined) throw new Error('listRoutes: call trackRoutes(app) before registering routes');
  return [...routes];
}
