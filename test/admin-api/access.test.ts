/**
 * Every admin API route is behind the admin guard: refused without credentials, with a wrong
 * password or user name, and — for changes — with a session cookie but no CSRF token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { ADMIN_SESSION_COOKIE, CSRF_HEADER } from '../../src/access/index.js';
import { ADMIN_PASSWORD, basicAuth, draftScheme, startAdminHarness, type AdminHarness } from './harness.js';

const PROCESS = '44444444-0000-4000-8000-000000000001';

/** One request per route of the plugin (and an unknown path under its prefix). */
const ROUTES: readonly InjectOptions[] = [
  { method: 'GET', url: '/admin/api/schemes' },
  { method: 'POST', url: '/admin/api/schemes?code=Other', payload: draftScheme('Other') },
  { method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/xml' }, payload: '<Process Name="X"/>' },
  { method: 'GET', url: '/admin/api/schemes/Draft' },
  { method: 'GET', url: '/admin/api/schemes/Draft?format=xml' },
  { method: 'GET', url: '/admin/api/schemes/Draft/versions' },
  { method: 'DELETE', url: '/admin/api/schemes/Draft?force=true' },
  { method: 'GET', url: '/admin/api/schemes/Draft/forms' },
  { method: 'GET', url: '/admin/api/schemes/Draft/forms/Request' },
  { method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { source: 'changed' } },
  { method: 'DELETE', url: '/admin/api/schemes/Draft/forms/Request' },
  { method: 'GET', url: `/admin/api/instances/${PROCESS}` },
  { method: 'GET', url: '/admin/api/logs?level=info' },
  { method: 'GET', url: '/admin/api/no-such-route' },
];

/** A scheme with an instance and a form, so a request that slipped through would change something. */
async function seeded(t: Parameters<typeof startAdminHarness>[0]): Promise<AdminHarness> {
  const h = await startAdminHarness(t);
  await h.admin({ method: 'POST', url: '/admin/api/schemes', payload: draftScheme('Draft') });
  await h.admin({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { source: 'original' } });
  await h.startInstance(PROCESS, 'Draft');
  return h;
}

async function assertUnchanged(h: AdminHarness): Promise<void> {
  assert.deepEqual((await h.store.listSchemes()).map((scheme) => scheme.code), ['Draft']);
  assert.equal((await h.store.listSchemeVersions('Draft')).length, 1);
  assert.notEqual(await h.store.getInstance(PROCESS), null);
  assert.deepEqual((await h.store.listForms({ schemeCode: 'Draft' })).map((form) => form.source), ['original']);
}

function label(route: InjectOptions): string {
  return `${route.method} ${route.url}`;
}

test('every route is refused with 401 without credentials, and nothing changes', async (t) => {
  const h = await seeded(t);
  for (const route of ROUTES) {
    const response = await h.app.inject(route);
    assert.equal(response.statusCode, 401, label(route));
    assert.deepEqual(
      response.json(),
      { error: 'WM_UNAUTHORIZED', message: 'Sign in to the admin area first (or use HTTP Basic admin credentials).' },
      label(route),
    );
  }
  await assertUnchanged(h);
});

test('every route is refused with 401 for a wrong password or a wrong user name, and nothing changes', async (t) => {
  const h = await seeded(t);
  for (const route of ROUTES) {
    for (const authorization of [basicAuth('wrong password'), basicAuth(ADMIN_PASSWORD, 'root')]) {
      const response = await h.app.inject({ ...route, headers: { ...route.headers, authorization } });
      assert.equal(response.statusCode, 401, label(route));
      assert.deepEqual(response.json(), { error: 'WM_UNAUTHORIZED', message: 'The admin credentials are not valid.' }, label(route));
    }
    // A good sign-in clears the failure count, so the rate limit does not hide the next refusal.
    assert.equal((await h.admin({ method: 'GET', url: '/admin/api/logs' })).statusCode, 200);
  }
  await assertUnchanged(h);
});

test('credentials are checked before the body is read: bad JSON without credentials is a 401, not a 400', async (t) => {
  const h = await startAdminHarness(t);
  const response = await h.app.inject({ method: 'POST', url: '/admin/api/schemes', headers: { 'content-type': 'application/json' }, payload: '{"code": ' });
  assert.equal(response.statusCode, 401);
  assert.equal(response.json().error, 'WM_UNAUTHORIZED');
});

test('a cookie session reads freely but needs the CSRF header for POST, PUT and DELETE', async (t) => {
  const h = await seeded(t);
  const login = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { password: ADMIN_PASSWORD } });
  assert.equal(login.statusCode, 200);
  const csrfToken: string = login.json().csrfToken;
  const setCookie = String(login.headers['set-cookie']);
  const sessionId = new RegExp(`${ADMIN_SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  assert.ok(sessionId, 'the sign-in sets the session cookie');
  const cookie = `${ADMIN_SESSION_COOKIE}=${sessionId}`;

  for (const route of ROUTES.filter((candidate) => candidate.method === 'GET' && !String(candidate.url).includes('no-such'))) {
    const response = await h.app.inject({ ...route, headers: { cookie } });
    assert.equal(response.statusCode, 200, label(route));
  }

  const changes = ROUTES.filter((route) => route.method !== 'GET');
  for (const route of changes) {
    for (const csrf of [undefined, 'not-the-token']) {
      const response = await h.app.inject({ ...route, headers: { ...route.headers, cookie, ...(csrf === undefined ? {} : { [CSRF_HEADER]: csrf }) } });
      assert.equal(response.statusCode, 403, label(route));
      assert.equal(response.json().error, 'WM_FORBIDDEN', label(route));
      assert.match(response.json().message, new RegExp(CSRF_HEADER), label(route));
    }
  }
  await assertUnchanged(h);

  const withToken = { cookie, [CSRF_HEADER]: csrfToken };
  const created = await h.app.inject({ method: 'POST', url: '/admin/api/schemes?code=Other', payload: draftScheme('Other'), headers: withToken });
  assert.equal(created.statusCode, 201);
  const changed = await h.app.inject({ method: 'PUT', url: '/admin/api/schemes/Draft/forms/Request', payload: { source: 'changed' }, headers: withToken });
  assert.equal(changed.statusCode, 200);
  const deleted = await h.app.inject({ method: 'DELETE', url: '/admin/api/schemes/Draft?force=true', headers: withToken });
  assert.equal(deleted.statusCode, 200);
  assert.deepEqual((await h.store.listSchemes()).map((scheme) => scheme.code), ['Other']);
});

test('an expired session is refused again', async (t) => {
  const h = await startAdminHarness(t);
  const login = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { password: ADMIN_PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/schemes', headers: { cookie } })).statusCode, 200);
  h.clock.advance(9 * 60 * 60_000);
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/schemes', headers: { cookie } })).statusCode, 401);
});
