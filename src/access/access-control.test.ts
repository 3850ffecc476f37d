import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteStore } from '../store/index.js';
import { createAccessControl } from './access-control.js';
import { ACCESS_SETTINGS_MAX_AGE_MS, SettingsService } from './settings-service.js';
import { buildAccessApp, capturingLogger, TEST_API_TOKEN } from './testing.js';

test('with no API token the Workflow API is open and start-up warns about it', async (t) => {
  const { app, logText } = await buildAccessApp();
  t.after(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: {} });
  assert.equal(response.statusCode, 200);
  assert.match(logText(), /"level":40.*the Workflow API is open/);
});

test('in token mode a call without the token field is refused with a clear message', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: {} });
  assert.equal(response.statusCode, 401);
  assert.deepEqual(response.json(), { code: 'WM_UNAUTHORIZED', message: 'The Workflow API needs an access token: pass the "token" field.' });
});

test('in token mode a wrong token is refused and neither token reaches the log or the reply', async (t) => {
  const { app, logText } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  const wrong = 'wrong-token-aaaaaaaaaaaaaaaa';
  const response = await app.inject({ method: 'POST', url: `/workflowapi/probe?token=${wrong}`, payload: {} });
  assert.equal(response.statusCode, 401);
  assert.equal(response.json().message, 'The Workflow API access token is not valid.');
  assert.equal(response.body.includes(TEST_API_TOKEN), false);
  assert.equal(logText().includes(TEST_API_TOKEN), false);
  assert.equal(logText().includes(wrong), false);
});

test('in token mode the right token passes, from the query or the JSON body', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  const byQuery = await app.inject({ method: 'POST', url: `/workflowapi/probe?token=${TEST_API_TOKEN}`, payload: {} });
  assert.equal(byQuery.statusCode, 200);
  const byBody = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } });
  assert.equal(byBody.statusCode, 200);
});

test('a token that differs only in length (a prefix of the real one) is refused', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN.slice(0, -1) } });
  assert.equal(response.statusCode, 401);
});

test('a token change applies to the next call without a restart', async (t) => {
  const { app, access } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  await access.settings.setApiToken('the-new-api-token-0000000000');
  const old = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } });
  assert.equal(old.statusCode, 401);
  const current = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: 'the-new-api-token-0000000000' } });
  assert.equal(current.statusCode, 200);
});

test('a token changed with the CLI while the server runs applies within a second', async (t) => {
  const { app, store, clock } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  const probe = (token: string) => app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token } });
  assert.equal((await probe(TEST_API_TOKEN)).statusCode, 200);
  await new SettingsService(store).setApiToken('the-cli-api-token-00000000');
  clock.advance(ACCESS_SETTINGS_MAX_AGE_MS);
  assert.equal((await probe(TEST_API_TOKEN)).statusCode, 401);
  assert.equal((await probe('the-cli-api-token-00000000')).statusCode, 200);
});

test('in OpenID Connect mode the plain token field is not enough: a Bearer token is required', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: TEST_API_TOKEN } });
  assert.equal(response.statusCode, 401);
  assert.equal(response.json().message, 'OpenId Connect authentication for Workflow API failed');
});

test('several access controls over one store (one per plugin) warn about the open API only once', async () => {
  const store = await createSqliteStore({ filename: ':memory:' });
  const { logger, logText } = capturingLogger();
  await createAccessControl({ store, logger });
  await createAccessControl({ store, logger });
  assert.equal(logText().split('the Workflow API is open').length - 1, 1);
});

test('with the start-up secrets still being made, the access control neither creates a key nor warns of a missing admin password', async (t) => {
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  const { logger, logText } = capturingLogger();
  const access = await createAccessControl({ store, logger, startupSecretsPending: true });
  assert.deepEqual(await access.settings.signingKeys.describe(), [], 'the key is left to the start-up settings');
  assert.equal(logText().includes('no admin password is set'), false);

  const other = await createSqliteStore({ filename: ':memory:' });
  t.after(() => other.close());
  const plain = capturingLogger();
  const created = await createAccessControl({ store: other, logger: plain.logger });
  assert.equal((await created.settings.signingKeys.describe()).length, 1, 'by default it creates the key');
  assert.match(plain.logText(), /no admin password is set/);
});
