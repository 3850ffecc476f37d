/**
 * Walks the route table of the real server (the HTTP shell with every installed plugin) and checks
 * that, with protection on, every `/admin/api/*` and `/workflowapi*` route refuses a call without
 * credentials. New routes are covered as soon as their plugin is installed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { listRoutes, type RouteEntry } from '../../src/access/index.js';
import { waymarkPlugin as identityServer } from '../../src/identity/index.js';
import { capturingLogger, TEST_ADMIN_PASSWORD, TEST_API_TOKEN } from '../../src/access/testing.js';
import { loadConfig } from '../../src/config/index.js';
import type { WaymarkPlugin } from '../../src/http/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { SettingsService } from '../../src/access/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';

// Added only while the shell does not list the identity server itself, so its routes are part of the walk.
const withIdentityServer = (plugins: readonly WaymarkPlugin[]): WaymarkPlugin[] =>
  plugins.some((plugin) => plugin.name === identityServer.name) ? [...plugins] : [...plugins, identityServer];

async function realServer(t: TestContext, mode: 'token' | 'oidc'): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-routes-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const store = await createSqliteStore({ filename: ':memory:' });
  const settings = new SettingsService(store);
  await settings.setApiToken(TEST_API_TOKEN);
  if (mode === 'oidc') await settings.setOidcEnabled(true);
  await settings.setAdminPassword(TEST_ADMIN_PASSWORD);
  const { logger } = capturingLogger();
  const plugins = withIdentityServer(installedPlugins());
  const app = await buildApp({ config: loadConfig({}, { dataDir }, dataDir), store, logger, clock: new ManualClock(), plugins });
  t.after(() => app.close());
  return app;
}

/**
 * A URL that reaches the route. A parameter with a pattern (`:workflowapi(^[wW]…$)`, the Workflow
 * API's base path in any letter case) is given its own name, which such routes are named to match.
 */
function concreteUrl(route: RouteEntry): string {
  return route.url
    .replace(/:([A-Za-z0-9_]+)\(([^)]*)\)/g, (_whole, name: string, pattern: string) => {
      assert.match(name, new RegExp(pattern), `${route.url}: a pattern parameter is named by a value it accepts`);
      return name;
    })
    .replace(/:[A-Za-z0-9_]+/g, 'probe')
    .replace(/\*$/, 'probe');
}

/**
 * Routes anyone may call: probes, documentation, the identity server's discovery, keys and token
 * endpoint (which checks the client secret itself), and admin sign-in. Every other route must
 * refuse a call without credentials — a new route is refused by this test until it is either
 * protected or added here on purpose.
 */
const PUBLIC_ROUTES = [
  /^GET \/liveness$/,
  /^GET \/readiness$/,
  /^GET \/docs(\/|$)/,
  /^GET \/openapi\//,
  /^GET \/\.well-known\/(openid-configuration|jwks)/,
  /^POST \/connect\/token$/,
  /^(POST \/admin\/login|GET \/admin\/session|POST \/admin\/logout)$/,
  // The admin panel's own files (its pages sign in through the admin API, which is guarded).
  /^GET (\/|\/admin\/?|\/admin\/\*|\/admin\/assets\/\*|\/admin\/favicon\.svg)$/,
];

function routesToCheck(app: FastifyInstance): RouteEntry[] {
  return listRoutes(app).filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
}

const isPublic = (route: RouteEntry): boolean => PUBLIC_ROUTES.some((pattern) => pattern.test(`${route.method} ${route.url}`));

const isWorkflowApi = (route: RouteEntry): boolean => /^\/:?workflowapi/i.test(route.url);

/**
 * What "refused" means in each dialect: 401 in the admin API, 480 InvalidToken in /api/v1 and
 * task links; in the Workflow API 401 for a refused bearer token, and HTTP 200 with the envelope
 * for a refused API token (as the vendor's server answers).
 */
function refusedStatus(route: RouteEntry, mode: 'token' | 'oidc'): number {
  if (isWorkflowApi(route)) return mode === 'token' ? 200 : 401;
  return route.url.startsWith('/api/v1') || route.url.startsWith('/workflows/') ? 480 : 401;
}

for (const mode of ['token', 'oidc'] as const) {
  test(`with protection on (${mode} mode) every route but the public ones refuses calls without credentials`, async (t) => {
    const app = await realServer(t, mode);
    const routes = routesToCheck(app);
    for (const prefix of ['/workflowapi', '/admin/api/', '/api/v1/', '/workflows/']) {
      assert.ok(routes.some((route) => route.url.startsWith(prefix)), `routes under ${prefix} are installed`);
    }
    let checked = 0;
    for (const route of routes) {
      if (isPublic(route)) continue;
      const response = await app.inject({ method: route.method as 'GET', url: concreteUrl(route), ...(route.method === 'GET' ? {} : { payload: {} }) });
      assert.equal(response.statusCode, refusedStatus(route, mode), `${route.method} ${route.url} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
      if (isWorkflowApi(route)) {
        const body = response.json() as { success?: unknown; code?: unknown };
        assert.deepEqual([body.success, body.code], [false, 'WM_UNAUTHORIZED'], `${route.method} ${route.url}: ${response.body.slice(0, 200)}`);
      }
      checked += 1;
    }
    assert.ok(checked >= 35, `only ${checked} protected routes were walked`);
  });
}

test('the walk includes the identity server and sign-in routes', async (t) => {
  const app = await realServer(t, 'oidc');
  const urls = listRoutes(app).map((route) => `${route.method} ${route.url}`);
  for (const expected of ['GET /.well-known/openid-configuration', 'POST /connect/token', 'POST /admin/login', 'GET /admin/session', 'POST /admin/logout']) {
    assert.ok(urls.includes(expected), expected);
  }
});
