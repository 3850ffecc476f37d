/**
 * The access settings as the Dashboard changes them (`/admin/api/access…`): guarded like every
 * admin route, checked by the SettingsService rules, announced to the other nodes, and never a
 * 500 for a user's mistake.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { ADMIN_SESSION_COOKIE, CSRF_HEADER, SettingsService } from '../../src/access/index.js';
import { notifyingStore, type ChangeNotifier } from '../../src/cluster/index.js';
import { loadConfig } from '../../src/config/index.js';
import { waymarkPlugin } from '../../src/dialects/admin-api/index.js';
import { buildApp } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock } from '../../src/services/index.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';
import { ADMIN_PASSWORD, basicAuth, startAdminHarness, type AdminHarness } from './harness.js';

const TOKEN = 'a-workflow-api-token-0123456789';

/** Reads the stored settings, never what a server kept in memory. */
function storedSettings(h: AdminHarness): SettingsService {
  return new SettingsService(h.store, h.clock, { maxAgeMs: 0 });
}

/** Signs in with the cookie session; returns headers for reads and for changes. */
async function signIn(h: AdminHarness): Promise<{ read: Record<string, string>; change: Record<string, string> }> {
  const login = await h.app.inject({ method: 'POST', url: '/admin/login', payload: { password: ADMIN_PASSWORD } });
  assert.equal(login.statusCode, 200);
  const sessionId = new RegExp(`${ADMIN_SESSION_COOKIE}=([^;]+)`).exec(String(login.headers['set-cookie']))?.[1];
  const cookie = `${ADMIN_SESSION_COOKIE}=${sessionId}`;
  return { read: { cookie }, change: { cookie, [CSRF_HEADER]: login.json().csrfToken } };
}

const CHANGES: readonly InjectOptions[] = [
  { method: 'PUT', url: '/admin/api/access/api-token', payload: { token: TOKEN } },
  { method: 'POST', url: '/admin/api/access/api-token/generate' },
  { method: 'DELETE', url: '/admin/api/access/api-token' },
  { method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: true } },
  { method: 'PUT', url: '/admin/api/access/admin-password', payload: { currentPassword: ADMIN_PASSWORD, newPassword: 'another password 1' } },
];
const READS: readonly InjectOptions[] = [
  { method: 'GET', url: '/admin/api/access' },
  { method: 'GET', url: '/admin/api/dashboard' },
  { method: 'GET', url: '/admin/api/dashboard/requests?minutes=5' },
  { method: 'GET', url: '/admin/api/dashboard/latest-instances' },
  { method: 'GET', url: '/admin/api/server' },
];

async function assertSettingsUnchanged(h: AdminHarness, token: string | null): Promise<void> {
  const settings = storedSettings(h);
  assert.equal(await settings.getApiToken(), token);
  assert.equal(await settings.isOidcEnabled(), false);
  assert.equal(await settings.verifyAdminPassword(ADMIN_PASSWORD), true);
}

test('given no credentials, every access and dashboard route is refused with 401 and nothing changes', async (t) => {
  const h = await startAdminHarness(t);
  await storedSettings(h).setApiToken(TOKEN);
  for (const route of [...READS, ...CHANGES]) {
    const response = await h.app.inject(route);
    assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
    assert.equal(response.json().error, 'WM_UNAUTHORIZED');
  }
  await assertSettingsUnchanged(h, TOKEN);
});

test('given a session, when a change comes without the CSRF token or with a wrong one, then it is refused with 403 and nothing changes', async (t) => {
  const h = await startAdminHarness(t);
  await storedSettings(h).setApiToken(TOKEN);
  const session = await signIn(h);
  for (const route of READS) assert.equal((await h.app.inject({ ...route, headers: session.read })).statusCode, 200, String(route.url));
  for (const route of CHANGES) {
    for (const csrf of [undefined, 'forged']) {
      const headers = { ...session.read, ...(csrf === undefined ? {} : { [CSRF_HEADER]: csrf }) };
      const response = await h.app.inject({ ...route, headers });
      assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
      assert.equal(response.json().error, 'WM_FORBIDDEN');
    }
  }
  await assertSettingsUnchanged(h, TOKEN);
});

test('given an open API, when the admin sets, generates and clears the token, then GET /access shows each state', async (t) => {
  // The server is reached by a name of its own (no public URL): the name must be an allowed host.
  const h = await startAdminHarness(t, { env: { WAYMARK_ALLOWED_HOSTS: 'waymark.test' } });
  const { read, change } = await signIn(h);
  const unlisted = await h.app.inject({ method: 'GET', url: '/admin/api/access', headers: { ...read, host: 'elsewhere.test:8077' } });
  assert.equal(unlisted.json().error, 'WM_HOST_NOT_ALLOWED');
  assert.match(unlisted.json().message, /WAYMARK_PUBLIC_URL.*WAYMARK_ALLOWED_HOSTS/);
  const access = async () => (await h.app.inject({ method: 'GET', url: '/admin/api/access', headers: { ...read, host: 'waymark.test:8077' } })).json();

  assert.deepEqual(await access(), {
    apiToken: null,
    oidcEnabled: false,
    publicUrl: null,
    discoveryUrl: 'http://waymark.test:8077/.well-known/openid-configuration',
    tokenEndpoint: 'http://waymark.test:8077/connect/token',
    clientId: 'workflowapi',
  });

  const set = await h.app.inject({ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: TOKEN }, headers: change });
  assert.equal(set.statusCode, 204);
  assert.equal((await access()).apiToken, TOKEN);
  assert.equal(await storedSettings(h).getApiToken(), TOKEN);

  const generated = await h.app.inject({ method: 'POST', url: '/admin/api/access/api-token/generate', headers: change });
  assert.equal(generated.statusCode, 200);
  const apiToken: string = generated.json().apiToken;
  assert.match(apiToken, /^[A-Za-z0-9_-]{64}$/, '48 random bytes, base64url');
  assert.equal(Buffer.from(apiToken, 'base64url').length, 48);
  assert.equal((await access()).apiToken, apiToken);
  const again = (await h.app.inject({ method: 'POST', url: '/admin/api/access/api-token/generate', headers: change })).json().apiToken;
  assert.notEqual(again, apiToken, 'each generation is new');

  const cleared = await h.app.inject({ method: 'DELETE', url: '/admin/api/access/api-token', headers: change });
  assert.equal(cleared.statusCode, 204);
  assert.equal((await access()).apiToken, null);
});

test('given no token, when OpenID Connect is switched on, then it is refused with a clear message; with a token it switches, and the token cannot be cleared while on', async (t) => {
  const h = await startAdminHarness(t);
  const { change } = await signIn(h);
  const refused = await h.app.inject({ method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: true }, headers: change });
  assert.equal(refused.statusCode, 400);
  assert.deepEqual(refused.json(), { error: 'WM_INPUT_INVALID', message: '"Use OpenID Connect for token access" needs an API access token: set the token first.' });
  assert.equal(await storedSettings(h).isOidcEnabled(), false);

  await h.app.inject({ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: TOKEN }, headers: change });
  assert.equal((await h.app.inject({ method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: true }, headers: change })).statusCode, 204);
  assert.equal(await storedSettings(h).isOidcEnabled(), true);

  const clear = await h.app.inject({ method: 'DELETE', url: '/admin/api/access/api-token', headers: change });
  assert.equal(clear.statusCode, 400);
  assert.match(clear.json().message, /turn that off first/);
  assert.equal(await storedSettings(h).getApiToken(), TOKEN);

  assert.equal((await h.app.inject({ method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: false }, headers: change })).statusCode, 204);
  assert.equal((await h.app.inject({ method: 'DELETE', url: '/admin/api/access/api-token', headers: change })).statusCode, 204);
});

test('given bad input, then each change is refused with 400 and a message, never a 500, and nothing changes', async (t) => {
  const h = await startAdminHarness(t);
  const { change } = await signIn(h);
  const cases: readonly [InjectOptions, RegExp][] = [
    [{ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: 'short' } }, /16 to 512 characters/],
    [{ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: 'has spaces in the middle of it' } }, /visible ASCII/],
    [{ method: 'PUT', url: '/admin/api/access/api-token', payload: {} }, /token/],
    [{ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: { nested: true } } }, /token/],
    [{ method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: 'perhaps' } }, /enabled/],
    [{ method: 'PUT', url: '/admin/api/access/oidc', headers: { 'content-type': 'application/json' }, payload: '{"enabled": true, "__proto__": {"x": 1}}' }, /./],
    [{ method: 'PUT', url: '/admin/api/access/admin-password', payload: { currentPassword: ADMIN_PASSWORD, newPassword: 'short' } }, /8 to 1024 characters/],
    [{ method: 'PUT', url: '/admin/api/access/admin-password', payload: { newPassword: 'long enough password' } }, /currentPassword/],
    [{ method: 'GET', url: '/admin/api/dashboard/requests?minutes=0' }, /minutes/],
    [{ method: 'GET', url: '/admin/api/dashboard/requests?minutes=61' }, /minutes/],
    [{ method: 'GET', url: '/admin/api/dashboard/latest-instances?limit=abc' }, /limit/],
  ];
  for (const [route, message] of cases) {
    const response = await h.app.inject({ ...route, headers: { ...change, ...route.headers } });
    assert.equal(response.statusCode, 400, `${route.method} ${route.url} ${JSON.stringify(route.payload)}`);
    assert.equal(response.json().error === 'WM_INPUT_INVALID' || response.json().error === 'WM_INPUT_MISSING', true);
    assert.match(response.json().message, message, `${route.method} ${route.url}`);
  }
  await assertSettingsUnchanged(h, null);
});

test('given a wrong current password, then the change is refused, counted as a failure, and the limit applies', async (t) => {
  const h = await startAdminHarness(t);
  const { change } = await signIn(h);
  const wrong = await h.app.inject({
    method: 'PUT',
    url: '/admin/api/access/admin-password',
    payload: { currentPassword: 'not the password', newPassword: 'another password 1' },
    headers: change,
  });
  assert.equal(wrong.statusCode, 400);
  assert.deepEqual(wrong.json(), { error: 'WM_INPUT_INVALID', message: 'The current password is not right.' });
  assert.equal(JSON.stringify(wrong.json()).includes('not the password'), false);
  for (let attempt = 0; attempt < 9; attempt++) {
    await h.app.inject({ method: 'PUT', url: '/admin/api/access/admin-password', payload: { currentPassword: `wrong ${attempt} password`, newPassword: 'another password 1' }, headers: change });
  }
  const limited = await h.app.inject({ method: 'PUT', url: '/admin/api/access/admin-password', payload: { currentPassword: ADMIN_PASSWORD, newPassword: 'another password 1' }, headers: change });
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  await assertSettingsUnchanged(h, null);
});

test('given the right current password, then the new password signs in, the old one no longer does, and only the session that changed it stays signed in', async (t) => {
  const h = await startAdminHarness(t);
  const other = await signIn(h);
  const { change, read } = await signIn(h);
  const changed = await h.app.inject({
    method: 'PUT',
    url: '/admin/api/access/admin-password',
    payload: { currentPassword: ADMIN_PASSWORD, newPassword: 'a brand new password' },
    headers: change,
  });
  assert.equal(changed.statusCode, 204);
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/server', headers: { authorization: basicAuth('a brand new password') } })).statusCode, 200);
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/server', headers: { authorization: basicAuth(ADMIN_PASSWORD) } })).statusCode, 401);
  // A session signed in with the old password (another browser, perhaps an attacker's) has ended.
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/server', headers: other.read })).statusCode, 401);
  assert.equal((await h.app.inject({ method: 'GET', url: '/admin/api/server', headers: read })).statusCode, 200);
});

/** A notifier that records what this node announces. */
function recordingNotifier(): ChangeNotifier & { readonly published: { kind: string; key?: string }[] } {
  const published: { kind: string; key?: string }[] = [];
  return {
    published,
    publish: async (kind, key) => {
      published.push({ kind, ...(key === undefined ? {} : { key }) });
    },
    onChange: () => () => undefined,
    close: async () => undefined,
  };
}

async function announcingServer(t: TestContext) {
  const base = await storeFactoryFromEnvironment().open(t);
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  await new SettingsService(base, clock).setAdminPassword(ADMIN_PASSWORD);
  const notifier = recordingNotifier();
  // As startServer builds it on a cluster: the store announces every settings write.
  const store = notifyingStore(base, notifier);
  const app = await buildApp({ config: loadConfig({}, {}, '/srv/waymark'), store, logger: createLogger({ level: 'silent' }), clock, plugins: [waymarkPlugin] });
  t.after(() => app.close());
  return { app, notifier };
}

test('given a cluster, when the token and the switch change, then each change is announced to the other nodes', async (t) => {
  const { app, notifier } = await announcingServer(t);
  const authorization = basicAuth(ADMIN_PASSWORD);
  assert.equal((await app.inject({ method: 'PUT', url: '/admin/api/access/api-token', payload: { token: TOKEN }, headers: { authorization } })).statusCode, 204);
  assert.equal((await app.inject({ method: 'PUT', url: '/admin/api/access/oidc', payload: { enabled: true }, headers: { authorization } })).statusCode, 204);
  assert.deepEqual(
    notifier.published.filter((change) => change.key?.startsWith('access.')),
    [
      { kind: 'settings', key: 'access.apiToken' },
      { kind: 'settings', key: 'access.oidcEnabled' },
    ],
  );
});
