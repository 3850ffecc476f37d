import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildAccessApp, TEST_ADMIN_PASSWORD } from './testing.js';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function signIn(app: FastifyInstance, password = TEST_ADMIN_PASSWORD) {
  const response = await app.inject({ method: 'POST', url: '/admin/login', payload: { password } });
  const setCookie = String(response.headers['set-cookie'] ?? '');
  const cookie = setCookie.split(';')[0] ?? '';
  return { response, cookie, setCookie, csrfToken: (response.json() as { csrfToken?: string }).csrfToken };
}

test('admin routes refuse calls without credentials with 401 JSON', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  for (const method of ['GET', 'POST'] as const) {
    const response = await app.inject({ method, url: '/admin/api/ping' });
    assert.equal(response.statusCode, 401, method);
    assert.equal(response.json().error, 'WM_UNAUTHORIZED');
    assert.equal(typeof response.json().message, 'string');
  }
});

test('HTTP Basic admin credentials pass; a wrong password or user name is refused', async (t) => {
  const { app, logText } = await buildAccessApp();
  t.after(() => app.close());
  const ok = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { authorization: basic('admin', TEST_ADMIN_PASSWORD) } });
  assert.equal(ok.statusCode, 200, 'Basic needs no CSRF token: it is not sent by browsers on their own');
  const wrongPassword = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { authorization: basic('admin', 'not-the-password') } });
  assert.equal(wrongPassword.statusCode, 401);
  const wrongUser = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { authorization: basic('root', TEST_ADMIN_PASSWORD) } });
  assert.equal(wrongUser.statusCode, 401);
  assert.equal(logText().includes('not-the-password'), false);
  assert.equal(logText().includes(TEST_ADMIN_PASSWORD), false);
});

test('sign-in sets a strict HttpOnly cookie and returns a CSRF token; GET works with the cookie alone', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const { response, cookie, setCookie, csrfToken } = await signIn(app);
  assert.equal(response.statusCode, 200);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.match(setCookie, /Path=\/admin/);
  assert.doesNotMatch(setCookie, /Secure/, 'plain http without a public URL');
  assert.equal(typeof csrfToken, 'string');
  const read = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { cookie } });
  assert.equal(read.statusCode, 200);
  const session = await app.inject({ method: 'GET', url: '/admin/session', headers: { cookie } });
  assert.equal(session.json().csrfToken, csrfToken);
});

test('the cookie is Secure when the public URL is https', async (t) => {
  const { app } = await buildAccessApp({ publicUrl: 'https://workflow.example.com' });
  t.after(() => app.close());
  const { setCookie } = await signIn(app);
  assert.match(setCookie, /; Secure/);
});

test('a changing request with the session cookie needs the CSRF header', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const { cookie, csrfToken } = await signIn(app);
  const without = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { cookie } });
  assert.equal(without.statusCode, 403);
  assert.equal(without.json().error, 'WM_FORBIDDEN');
  const wrong = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { cookie, 'x-csrf-token': 'forged' } });
  assert.equal(wrong.statusCode, 403);
  const right = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { cookie, 'x-csrf-token': csrfToken ?? '' } });
  assert.equal(right.statusCode, 200);
});

test('a CSRF token of another session does not pass', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const first = await signIn(app);
  const second = await signIn(app);
  const crossed = await app.inject({ method: 'POST', url: '/admin/api/ping', headers: { cookie: first.cookie, 'x-csrf-token': second.csrfToken ?? '' } });
  assert.equal(crossed.statusCode, 403);
});

test('logout ends the session and clears the cookie', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const { cookie, csrfToken } = await signIn(app);
  const refused = await app.inject({ method: 'POST', url: '/admin/logout', headers: { cookie } });
  assert.equal(refused.statusCode, 403, 'logout needs the CSRF token too');
  const out = await app.inject({ method: 'POST', url: '/admin/logout', headers: { cookie, 'x-csrf-token': csrfToken ?? '' } });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  const after = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { cookie } });
  assert.equal(after.statusCode, 401);
  const session = await app.inject({ method: 'GET', url: '/admin/session', headers: { cookie } });
  assert.equal(session.statusCode, 401);
});

test('a session expires eight hours after sign-in', async (t) => {
  const { app, clock } = await buildAccessApp();
  t.after(() => app.close());
  const { cookie } = await signIn(app);
  clock.advance(8 * 60 * 60_000 - 1000);
  assert.equal((await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { cookie } })).statusCode, 200);
  clock.advance(1000);
  assert.equal((await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { cookie } })).statusCode, 401);
});

test('a wrong password is refused, and after ten failures in five minutes even the right one gets 429 with Retry-After', async (t) => {
  const { app, clock, logText } = await buildAccessApp();
  t.after(() => app.close());
  for (let i = 0; i < 10; i++) {
    const { response } = await signIn(app, `wrong-password-${i}`);
    assert.equal(response.statusCode, 401);
  }
  const blocked = await signIn(app);
  assert.equal(blocked.response.statusCode, 429);
  assert.equal(blocked.response.headers['retry-after'], '300');
  const blockedBasic = await app.inject({ method: 'GET', url: '/admin/api/ping', headers: { authorization: basic('admin', TEST_ADMIN_PASSWORD) } });
  assert.equal(blockedBasic.statusCode, 429, 'Basic shares the limit');
  clock.advance(300_000);
  assert.equal((await signIn(app)).response.statusCode, 200);
  assert.equal(logText().includes('wrong-password-3'), false);
});

test('sign-in without a password is a clear 400', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/admin/login', payload: {} });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error, 'WM_INPUT_MISSING');
});
