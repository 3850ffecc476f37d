import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../cluster/change-notifier.js';
import { SIGNING_KEYS_SETTING, SigningKeyRing } from './signing-keys.js';
import { ManualClock } from '../services/clock.js';
import { createSqliteStore } from '../store/index.js';
import { createAccessControl } from './access-control.js';
import { ACCESS_SETTINGS, ACCESS_SETTINGS_MAX_AGE_MS, SettingsService } from './settings-service.js';
import { buildAccessApp, capturingLogger, probeWithBearer, requestToken, TEST_API_TOKEN } from './testing.js';

/** Stands for the cluster node's notifier: the test announces what "another node" changed. */
function otherNodesAnnouncing() {
  const listeners = new Set<(change: Change) => void>();
  return {
    onChange(listener: (change: Change) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announce(change: Omit<Change, 'nodeId'>) {
      for (const listener of listeners) listener({ ...change, nodeId: 'another-node' });
    },
  };
}

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

test('a settings change another node announces applies at once: the API token, the signing keys, and everything on a resync', async (t) => {
  const otherNodes = otherNodesAnnouncing();
  const { app, store } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true, changes: otherNodes });
  t.after(() => app.close());
  const anotherNode = new SettingsService(store);
  const firstAccessToken = String((await requestToken(app, TEST_API_TOKEN)).body.access_token);
  assert.equal((await probeWithBearer(app, firstAccessToken)).status, 200);

  // No clock moves in this test: without the announcements each change would wait for the bound.
  await anotherNode.setApiToken('the-other-nodes-api-token-0');
  assert.equal((await probeWithBearer(app, firstAccessToken)).status, 200, 'not announced yet: the token read is still used');
  otherNodes.announce({ kind: 'settings', key: ACCESS_SETTINGS.apiToken });
  assert.equal((await probeWithBearer(app, firstAccessToken)).status, 401, 'issued for the previous API token');
  const secondAccessToken = String((await requestToken(app, 'the-other-nodes-api-token-0')).body.access_token);
  assert.equal((await probeWithBearer(app, secondAccessToken)).status, 200);

  // The other node takes the key that signed it out of the ring.
  const signingKid = (await new SigningKeyRing(store, new ManualClock()).activeKey()).kid;
  await new SigningKeyRing(store, new ManualClock()).rotate();
  const ring = (await store.getSetting(SIGNING_KEYS_SETTING)) as unknown as { kid: string }[];
  await store.setSetting(SIGNING_KEYS_SETTING, ring.filter((key) => key.kid !== signingKid) as never);
  assert.equal((await probeWithBearer(app, secondAccessToken)).status, 200);
  otherNodes.announce({ kind: 'settings', key: SIGNING_KEYS_SETTING });
  assert.equal((await probeWithBearer(app, secondAccessToken)).status, 401);

  // Announcements were lost while the listening connection was down: everything is read again.
  await anotherNode.setOidcEnabled(false);
  const probe = () => app.inject({ method: 'POST', url: '/workflowapi/probe', payload: { token: 'the-other-nodes-api-token-0' } });
  assert.equal((await probe()).statusCode, 401, 'OpenID Connect mode is still in use');
  otherNodes.announce({ kind: 'resync' });
  assert.equal((await probe()).statusCode, 200);
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

test('in token mode, calls checked with the settings already in memory get the same answers, and a new token applies at once', async (t) => {
  const { app, access } = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => app.close());
  await access.checkWorkflowApi({ token: TEST_API_TOKEN });
  assert.equal(access.settings.knownApiToken(), TEST_API_TOKEN, 'the next calls are decided without a read');
  for (let call = 0; call < 2; call++) {
    await access.checkWorkflowApi({ token: TEST_API_TOKEN });
    await assert.rejects(access.checkWorkflowApi({ token: 'wrong-token-aaaaaaaaaaaaaaaa' }), { code: 'WM_UNAUTHORIZED', message: 'The Workflow API access token is not valid.' });
    await assert.rejects(access.checkWorkflowApi({ token: TEST_API_TOKEN.slice(0, -1) }), { code: 'WM_UNAUTHORIZED' });
    await assert.rejects(access.checkWorkflowApi({}), { code: 'WM_UNAUTHORIZED', message: 'The Workflow API needs an access token: pass the "token" field.' });
  }
  await access.settings.setApiToken('the-new-api-token-0000000000');
  await access.checkWorkflowApi({ token: 'the-new-api-token-0000000000' });
  await assert.rejects(access.checkWorkflowApi({ token: TEST_API_TOKEN }), { code: 'WM_UNAUTHORIZED' }, 'the old token is refused with the new one in memory');
});

test('in OpenID Connect mode the plain token field stays refused once the settings are in memory', async (t) => {
  const { app, access } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  for (let call = 0; call < 2; call++) {
    await assert.rejects(access.checkWorkflowApi({ token: TEST_API_TOKEN }), { code: 'WM_UNAUTHORIZED', message: 'OpenId Connect authentication for Workflow API failed' });
  }
  assert.equal(access.settings.knownOidcEnabled(), true);
});
