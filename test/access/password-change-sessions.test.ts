/**
 * Issue #17 item 15: an admin session does not outlive the password it was signed in with. A
 * change made anywhere (the CLI, another node, this server) ends every session of the old password;
 * a change made through the access control may keep the session that asked for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SettingsService } from '../../src/access/index.js';
import { buildAccessApp, TEST_ADMIN_PASSWORD } from '../../src/access/testing.js';

const NEW_PASSWORD = 'a brand new admin password';

async function signIn(app: FastifyInstance, password = TEST_ADMIN_PASSWORD): Promise<{ cookie: string; csrfToken: string }> {
  const response = await app.inject({ method: 'POST', url: '/admin/login', payload: { password } });
  assert.equal(response.statusCode, 200);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', csrfToken: (response.json() as { csrfToken: string }).csrfToken };
}

async function sessionStatus(app: FastifyInstance, session: { cookie: string; csrfToken: string }): Promise<number[]> {
  const read = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { cookie: session.cookie } });
  const change = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
  const info = await app.inject({ method: 'GET', url: '/admin/session', headers: { cookie: session.cookie } });
  return [read.statusCode, change.statusCode, info.statusCode];
}

test('given two signed-in sessions, when the password is changed elsewhere (the CLI, another node), then both end at their next request', async (t) => {
  const { app, store } = await buildAccessApp();
  t.after(() => app.close());
  const first = await signIn(app);
  const second = await signIn(app);
  assert.deepEqual(await sessionStatus(app, first), [200, 200, 200]);

  // What `waymark settings set admin-password` does: a settings service of its own on the same store.
  await new SettingsService(store).setAdminPassword(NEW_PASSWORD);

  assert.deepEqual(await sessionStatus(app, first), [401, 401, 401]);
  assert.deepEqual(await sessionStatus(app, second), [401, 401, 401]);
  const again = await signIn(app, NEW_PASSWORD);
  assert.deepEqual(await sessionStatus(app, again), [200, 200, 200], 'a sign-in with the new password works');
});

test('when the password is changed through the access control for a session, then that session goes on and every other ends', async (t) => {
  const { app, access } = await buildAccessApp();
  t.after(() => app.close());
  const changer = await signIn(app);
  const other = await signIn(app);
  const changerId = decodeURIComponent(changer.cookie.split('=')[1] ?? '');

  await access.changeAdminPassword(NEW_PASSWORD, { keepSessionId: changerId });

  assert.deepEqual(await sessionStatus(app, changer), [200, 200, 200]);
  assert.deepEqual(await sessionStatus(app, other), [401, 401, 401]);
  assert.equal(access.sessions.size, 1, 'the ended sessions are forgotten at once');
  const oldPassword = await app.inject({ method: 'POST', url: '/admin/login', payload: { password: TEST_ADMIN_PASSWORD } });
  assert.equal(oldPassword.statusCode, 401);
});

test('when the password is changed through the access control without a session to keep, then every session ends', async (t) => {
  const { app, access } = await buildAccessApp();
  t.after(() => app.close());
  const session = await signIn(app);
  await access.changeAdminPassword(NEW_PASSWORD);
  assert.deepEqual(await sessionStatus(app, session), [401, 401, 401]);
  assert.equal(access.sessions.size, 0);
});

test('setting the same password again still ends the sessions (a new hash, a new salt)', async (t) => {
  const { app, store } = await buildAccessApp();
  t.after(() => app.close());
  const session = await signIn(app);
  await new SettingsService(store).setAdminPassword(TEST_ADMIN_PASSWORD);
  assert.deepEqual(await sessionStatus(app, session), [401, 401, 401]);
});
