import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessForCode, accessForPage, workflowApiModeOf, type AccessSettings } from './access-settings.js';

const settings: AccessSettings = {
  apiToken: 'the-api-token',
  oidcEnabled: true,
  publicUrl: 'https://workflow.example.com/',
  discoveryUrl: 'https://workflow.example.com/.well-known/openid-configuration',
  tokenEndpoint: 'https://workflow.example.com/connect/token',
  clientId: 'workflowapi',
};
const choices = { token: 'typed-token', apiV1Token: 'v1' };

test('given the settings, then the mode is open without a token, token with one, OpenID Connect when switched on', () => {
  assert.equal(workflowApiModeOf({ ...settings, apiToken: null }), 'open');
  assert.equal(workflowApiModeOf({ ...settings, apiToken: null, oidcEnabled: true }), 'open');
  assert.equal(workflowApiModeOf({ ...settings, oidcEnabled: false }), 'token');
  assert.equal(workflowApiModeOf(settings), 'oidc');
});

test('given a public URL, then the code calls it and its token endpoint; without one, the page origin', () => {
  assert.deepEqual(accessForCode(settings, 'http://127.0.0.1:8077', choices), {
    serverUrl: 'https://workflow.example.com',
    workflowApi: {
      mode: 'oidc',
      discoveryUrl: 'https://workflow.example.com/.well-known/openid-configuration',
      tokenEndpoint: 'https://workflow.example.com/connect/token',
      clientId: 'workflowapi',
      clientSecret: 'the-api-token',
    },
    apiV1Token: 'v1',
  });
  assert.equal(accessForCode({ ...settings, publicUrl: null }, 'http://127.0.0.1:8077', choices).serverUrl, 'http://127.0.0.1:8077');
  // Token mode sends the token field's value, which the user may have changed.
  assert.deepEqual(accessForCode({ ...settings, oidcEnabled: false }, 'http://x', choices).workflowApi, { mode: 'token', token: 'typed-token' });
});

test("given the page's own Send, then the call and the token request go to the page's origin, whatever the public URL", () => {
  const access = accessForPage(settings, 'http://127.0.0.1:8077', choices);

  assert.equal(access.serverUrl, 'http://127.0.0.1:8077');
  assert.deepEqual(access.workflowApi, {
    mode: 'oidc',
    discoveryUrl: 'http://127.0.0.1:8077/.well-known/openid-configuration',
    tokenEndpoint: 'http://127.0.0.1:8077/connect/token',
    clientId: 'workflowapi',
    clientSecret: 'the-api-token',
  });
});
