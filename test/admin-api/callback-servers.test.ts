/**
 * The admin API's callback servers: add one on the vendor sample's paths, list, change, test and
 * remove it; bad input is refused naming the field; tokens never come back; every route is
 * behind the admin guard (401 without credentials, 403 without the CSRF header on a change).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { ADMIN_SESSION_COOKIE, CSRF_HEADER } from '../../src/access/index.js';
import { ADMIN_PASSWORD, startAdminHarness } from './harness.js';
import { startVendorCallbackServer } from '../support/vendor-callback-server.js';

const ROUTES: readonly InjectOptions[] = [
  { method: 'GET', url: '/admin/api/callback-servers' },
  { method: 'GET', url: '/admin/api/callback-servers/main' },
  { method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'other', baseUrl: 'http://127.0.0.1:9/Api' } },
  { method: 'PATCH', url: '/admin/api/callback-servers/main', payload: { timeoutMs: 5 } },
  { method: 'DELETE', url: '/admin/api/callback-servers/main' },
  { method: 'POST', url: '/admin/api/callback-servers/main/test', payload: {} },
];

describe('admin API: callback servers', () => {
  it('adds a server on the vendor sample paths, tests it, changes and removes it; tokens never come back', async (t) => {
    const h = await startAdminHarness(t);
    const vendor = await startVendorCallbackServer(t, { token: 'admin-set-token', handlers: { conditions: { IsWeekday: () => true } } });

    const added = await h.admin({ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'vendor', baseUrl: vendor.baseUrl, token: 'admin-set-token', allMethods: true } });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.headers.location, '/admin/api/callback-servers/vendor');
    assert.equal(added.body.includes('admin-set-token'), false);
    assert.equal(added.json().hasToken, true);

    const listed = await h.admin({ method: 'GET', url: '/admin/api/callback-servers' });
    assert.deepEqual(listed.json().map((server: { name: string }) => server.name), ['vendor']);
    assert.equal(listed.body.includes('admin-set-token'), false);

    const tested = await h.admin({ method: 'POST', url: '/admin/api/callback-servers/vendor/test', payload: { schemeCode: 'ExpenseClaim' } });
    assert.equal(tested.statusCode, 200, tested.body);
    assert.equal(tested.json().ok, true);
    assert.deepEqual(tested.json().results.find((r: { method: string }) => r.method === 'getconditions').data, ['IsWeekday']);
    assert.deepEqual(vendor.violations, []);

    const changed = await h.admin({ method: 'PATCH', url: '/admin/api/callback-servers/vendor', payload: { paths: { generate: '', executeaction: 'https://run.example/x' }, tokens: { executeaction: 'own-token' } } });
    assert.equal(changed.statusCode, 200, changed.body);
    const byMethod = Object.fromEntries(changed.json().methods.map((m: { method: string }) => [m.method, m]));
    assert.equal(byMethod.generate.url, null);
    assert.equal(byMethod.executeaction.url, 'https://run.example/x');
    assert.equal(byMethod.executeaction.hasOwnToken, true);
    assert.equal(changed.body.includes('own-token'), false);

    const removed = await h.admin({ method: 'DELETE', url: '/admin/api/callback-servers/vendor' });
    assert.deepEqual(removed.json(), { name: 'vendor', deleted: true });
    assert.deepEqual((await h.admin({ method: 'GET', url: '/admin/api/callback-servers' })).json(), []);
  });

  it('refuses bad input with 400 naming the field, an unknown server with 404, a taken name with 409', async (t) => {
    const h = await startAdminHarness(t);
    await h.admin({ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'main', baseUrl: 'http://127.0.0.1:9/Api' } });
    const cases: [InjectOptions, number, string, RegExp][] = [
      [{ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'x', baseURL: 'http://a' } }, 400, 'WM_INPUT_INVALID', /'baseURL' is not a field of a callback server/],
      [{ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'x', baseUrl: 'gopher://a' } }, 400, 'WM_INPUT_INVALID', /Callback server 'x': baseUrl 'gopher:\/\/a' must be an http or https URL/],
      [{ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'x', baseUrl: 'http://a', timeoutMs: 'soon' } }, 400, 'WM_INPUT_INVALID', /timeoutMs/],
      [{ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'MAIN', baseUrl: 'http://a' } }, 409, 'WM_CALLBACK_SERVER_EXISTS', /already configured/],
      [{ method: 'PATCH', url: '/admin/api/callback-servers/main', payload: { paths: { executeAction: 'x' } } }, 400, 'WM_INPUT_INVALID', /paths\.executeAction is not a Callback API method/],
      [{ method: 'PATCH', url: '/admin/api/callback-servers/nobody', payload: { timeoutMs: 5 } }, 404, 'WM_CALLBACK_SERVER_NOT_FOUND', /'nobody' is not configured/],
      [{ method: 'POST', url: '/admin/api/callback-servers', headers: { 'content-type': 'application/json' }, payload: '{"name":"x","__proto__":{"token":"t"}}' }, 400, 'WM_INPUT_INVALID', /./],
    ];
    for (const [request, status, code, message] of cases) {
      const response = await h.admin(request);
      assert.equal(response.statusCode, status, `${request.method} ${request.url}: ${response.body}`);
      assert.equal(response.json().error, code, response.body);
      assert.match(response.json().message, message);
    }
    assert.deepEqual((await h.store.getSetting('callbackServers')), [{ name: 'main', baseUrl: 'http://127.0.0.1:9/Api' }], 'nothing refused was written');
  });

  it('is behind the admin guard: 401 without credentials, 403 for a change without the CSRF header', async (t) => {
    const h = await startAdminHarness(t);
    await h.admin({ method: 'POST', url: '/admin/api/callback-servers', payload: { name: 'main', baseUrl: 'http://127.0.0.1:9/Api' } });
    for (const route of ROUTES) {
      const response = await h.app.inject(route);
      assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
    }
    const login = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { password: ADMIN_PASSWORD } });
    const cookie = `${ADMIN_SESSION_COOKIE}=${new RegExp(`${ADMIN_SESSION_COOKIE}=([^;]+)`).exec(String(login.headers['set-cookie']))?.[1]}`;
    for (const route of ROUTES.filter((candidate) => candidate.method !== 'GET')) {
      const response = await h.app.inject({ ...route, headers: { cookie } });
      assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
    }
    assert.deepEqual(await h.store.getSetting('callbackServers'), [{ name: 'main', baseUrl: 'http://127.0.0.1:9/Api' }]);
    const withCsrf = await h.app.inject({ method: 'PATCH', url: '/admin/api/callback-servers/main', payload: { timeoutMs: 5000 }, headers: { cookie, [CSRF_HEADER]: login.json().csrfToken } });
    assert.equal(withCsrf.statusCode, 200);
    assert.equal(withCsrf.json().timeoutMs, 5000);
  });
});
