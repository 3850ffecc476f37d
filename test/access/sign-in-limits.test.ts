/**
 * Issue #17 item 2: the failure limits of sign-ins and token checks cannot be escaped by naming
 * another client address in X-Forwarded-For, nor by sending many guesses at once, and the API
 * token's two doors (the Workflow API `token` field and `/connect/token`) share one limit.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createAccessControl, SettingsService } from '../../src/access/index.js';
import { buildAccessApp, capturingLogger, requestToken, TEST_ADMIN_PASSWORD, TEST_API_TOKEN } from '../../src/access/testing.js';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';

/** The real HTTP shell with every installed plugin, configured from `env`. */
async function realServer(t: TestContext, env: NodeJS.ProcessEnv): Promise<{ app: FastifyInstance; clock: ManualClock }> {
  const store = await createSqliteStore({ filename: ':memory:' });
  const settings = new SettingsService(store);
  await settings.setApiToken(TEST_API_TOKEN);
  await settings.setAdminPassword(TEST_ADMIN_PASSWORD);
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const { logger } = capturingLogger();
  const config = loadConfig(env, {}, '/srv/waymark');
  const access = await createAccessControl({ store, logger, clock, publicUrl: config.publicUrl });
  const app = await buildApp({ config, store, logger, clock, plugins: installedPlugins(), access });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return { app, clock };
}

function signIn(app: FastifyInstance, password: string, forwardedFor?: string) {
  return app.inject({
    method: 'POST',
    url: '/admin/login',
    payload: { password },
    ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
  });
}

test('given a public URL and no trusted proxy, when each wrong sign-in names another X-Forwarded-For, then the socket address is still limited', async (t) => {
  const { app } = await realServer(t, { WAYMARK_PUBLIC_URL: 'https://workflow.example.com' });
  for (let guess = 0; guess < 10; guess++) {
    const response = await signIn(app, `guess-${guess}`, `203.0.113.${guess + 1}`);
    assert.equal(response.statusCode, 401);
  }
  const next = await signIn(app, TEST_ADMIN_PASSWORD, '198.51.100.77');
  assert.equal(next.statusCode, 429, 'a new forwarded address does not buy new guesses');
});

test('given a public URL and no trusted proxy, when someone names a victim in X-Forwarded-For, then the victim is not locked out', async (t) => {
  const { app } = await realServer(t, { WAYMARK_PUBLIC_URL: 'https://workflow.example.com' });
  const injectFrom = (remoteAddress: string, password: string, forwardedFor?: string) =>
    app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress,
      payload: { password },
      ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
    });
  for (let guess = 0; guess < 10; guess++) await injectFrom('192.0.2.66', `guess-${guess}`, '192.0.2.10');
  const victim = await injectFrom('192.0.2.10', TEST_ADMIN_PASSWORD);
  assert.equal(victim.statusCode, 200);
});

test('given WAYMARK_TRUST_PROXY names the proxy, when sign-ins come through it, then each forwarded client has its own limit', async (t) => {
  // light-my-request's default peer is 127.0.0.1: that is the proxy here.
  const { app } = await realServer(t, { WAYMARK_PUBLIC_URL: 'https://workflow.example.com', WAYMARK_TRUST_PROXY: '127.0.0.1' });
  for (let guess = 0; guess < 10; guess++) await signIn(app, `guess-${guess}`, '203.0.113.9');
  assert.equal((await signIn(app, TEST_ADMIN_PASSWORD, '203.0.113.9')).statusCode, 429, 'the guessing client is limited');
  assert.equal((await signIn(app, TEST_ADMIN_PASSWORD, '198.51.100.4')).statusCode, 200, 'another client behind the proxy is not');
});

test('given WAYMARK_TRUST_PROXY is a hop count, then only that many hops are believed and the address before them is the client', async (t) => {
  const { app } = await realServer(t, { WAYMARK_TRUST_PROXY: '1' });
  // The client forged the first entry; the proxy appended the address it saw.
  for (let guess = 0; guess < 10; guess++) await signIn(app, `guess-${guess}`, `10.9.9.${guess}, 203.0.113.9`);
  assert.equal((await signIn(app, TEST_ADMIN_PASSWORD, '10.1.1.1, 203.0.113.9')).statusCode, 429);
  assert.equal((await signIn(app, TEST_ADMIN_PASSWORD, '203.0.113.10')).statusCode, 200);
});

test('when 15 wrong sign-ins arrive at once, then only ten reach the password hash and the rest get 429', async (t) => {
  const { app, access } = await buildAccessApp();
  t.after(() => app.close());
  let hashChecks = 0;
  const verify = access.settings.verifyAdminPassword.bind(access.settings);
  access.settings.verifyAdminPassword = async (password) => {
    hashChecks += 1;
    return verify(password);
  };
  const responses = await Promise.all(
    Array.from({ length: 15 }, (_unused, guess) => app.inject({ method: 'POST', url: '/admin/login', payload: { password: `parallel-${guess}` } })),
  );
  const statuses = responses.map((response) => response.statusCode).sort();
  assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(5).fill(429)]);
  assert.equal(hashChecks, 10);
});

test('when 15 wrong HTTP Basic admin calls arrive at once, then only ten reach the password hash', async (t) => {
  const { app, access } = await buildAccessApp();
  t.after(() => app.close());
  let hashChecks = 0;
  const verify = access.settings.verifyAdminPassword.bind(access.settings);
  access.settings.verifyAdminPassword = async (password) => {
    hashChecks += 1;
    return verify(password);
  };
  const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  const responses = await Promise.all(
    Array.from({ length: 15 }, (_unused, guess) => app.inject({ method: 'GET', url: '/admin/api/ping', headers: { authorization: basic(`parallel-${guess}`) } })),
  );
  assert.equal(responses.filter((response) => response.statusCode === 429).length, 5);
  assert.equal(hashChecks, 10);
});

test('when 15 wrong client secrets arrive at /connect/token at once, then ten are refused as invalid and five as too many', async (t) => {
  const { app, access } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  // The settings read the check awaits takes a few turns of the event loop, as a database read does.
  const getApiToken = access.settings.getApiToken.bind(access.settings);
  access.settings.getApiToken = async () => {
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    return getApiToken();
  };
  const replies = await Promise.all(Array.from({ length: 15 }, (_unused, guess) => requestToken(app, `parallel-secret-${guess}-xxxxxx`)));
  const statuses = replies.map(({ response }) => response.statusCode).sort();
  assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(5).fill(429)]);
});

test('given ten wrong Workflow API tokens, then the token field and /connect/token refuse that client, even with the right token', async (t) => {
  const { app, clock } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: false });
  t.after(() => app.close());
  for (let guess = 0; guess < 10; guess++) {
    const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: `guess-${guess}-xxxxxxxxxxxx` } });
    assert.equal(response.statusCode, 401);
  }
  const field = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } });
  assert.equal(field.statusCode, 429);
  assert.equal(field.headers['retry-after'], '300');
  await app.close();

  const shared = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true, clock });
  t.after(() => shared.app.close());
  for (let guess = 0; guess < 10; guess++) await requestToken(shared.app, `guess-${guess}-xxxxxxxxxxxx`);
  await shared.access.settings.setOidcEnabled(false);
  const afterTokenEndpoint = await shared.app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } });
  assert.equal(afterTokenEndpoint.statusCode, 429, 'guesses at /connect/token count against the token field');
});

test('a right API token does not clear the count of wrong admin passwords from the same client', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  for (let guess = 0; guess < 9; guess++) await signIn(app, `guess-${guess}`);
  assert.equal((await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } })).statusCode, 200);
  assert.equal((await signIn(app, 'guess-9')).statusCode, 401);
  assert.equal((await signIn(app, TEST_ADMIN_PASSWORD)).statusCode, 429);
});

test('given token mode on the real server, when a client sent ten wrong tokens, then its next Workflow API call gets 429 with Retry-After in the envelope', async (t) => {
  const { app, clock } = await realServer(t, {});
  for (let guess = 0; guess < 10; guess++) {
    const wrong = await app.inject({ method: 'GET', url: `/workflowapi/isactive?token=guess-${guess}-xxxxxxxxxxxxxxxx` });
    // Token-mode refusals answer 200 in the envelope, as the vendor's do.
    assert.equal(wrong.statusCode, 200);
    assert.equal(wrong.json().error, "AccessToken is not valid! Check 'token' parameter in the query.");
  }
  const limited = await app.inject({ method: 'POST', url: '/workflowapi/isactive', payload: { token: TEST_API_TOKEN } });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '300');
  assert.equal(limited.json().success, false);
  assert.equal(limited.json().code, 'WM_RATE_LIMITED');
  clock.advance(300_000);
  const later = await app.inject({ method: 'GET', url: `/workflowapi/isactive?token=${TEST_API_TOKEN}` });
  assert.equal(later.json().success, true);
});
