import type { FastifyInstance } from 'fastify';

/** One registered route. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const collected = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Starts recording the routes of `app` through fastify's `onRoute` hook. Call it right after
 * creating the app, before any route or plugin is registered.
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
 * Every route of an app, for tests that walk the route table (e.g. to check that each admin and
 * Workflow API route refuses calls without credentials). Uses the routes recorded by
 * {@link trackRoutes}; for an app that was not tracked (one built elsewhere, already ready), the
 * routes are read from fastify's route tree (`printRoutes`).
 */
export function listRoutes(app: FastifyInstance): readonly RouteEntry[] {
  const routes = collected.get(app);
  if (routes !== undefined) return [...routes];
  return parseRouteTree(app.printRoutes({ commonPrefix: false }));
}

const TREE_LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/** Reads fastify's `printRoutes({ commonPrefix: false })` text back into routes. */
export function parseRouteTree(tree: string): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const path: string[] = [];
  for (const line of tree.split('\n')) {
    const match = TREE_LINE.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    path.length = depth;
    path.push(match[2] ?? '');
    const url = path.join('');
    for (const method of (match[3] ?? '').split(',').map((text) => text.trim()).filter(Boolean)) routes.push({ method, url });
  }
  return routes;
}
