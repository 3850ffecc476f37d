import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { buildAccessApp, probeWithBearer, requestToken, TEST_API_TOKEN } from '../access/testing.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('discovery names the endpoints under the request origin, or under the public URL when set', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host: 'localhost:8077' } });
  const body = response.json();
  assert.equal(body.issuer, 'http://localhost:8077');
  assert.equal(body.token_endpoint, 'http://localhost:8077/connect/token');
  assert.equal(body.jwks_uri, 'http://localhost:8077/.well-known/openid-configuration/jwks');
  assert.deepEqual(body.grant_types_supported, ['client_credentials']);
  assert.deepEqual(body.token_endpoint_auth_methods_supported, ['client_secret_post', 'client_secret_basic']);
  assert.deepEqual(body.scopes_supported, ['WorkflowApi']);
  assert.deepEqual(body.id_token_signing_alg_values_supported, ['RS256']);
  assert.ok(Array.isArray(body.response_types_supported));

  const withPublic = await buildAccessApp({ publicUrl: 'https://wf.example.com/' });
  t.after(() => withPublic.app.close());
  const configured = (await withPublic.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
  assert.equal(configured.issuer, 'https://wf.example.com');
  assert.equal(configured.token_endpoint, 'https://wf.example.com/connect/token');
});

test('the JWKS publishes the public signing key only', async (t) => {
  const { app } = await buildAccessApp();
  t.after(() => app.close());
  const { keys } = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration/jwks' })).json() as { keys: Record<string, unknown>[] };
  assert.equal(keys.length, 1);
  const [key] = keys;
  assert.equal(key?.kty, 'RSA');
  assert.equal(key?.alg, 'RS256');
  assert.equal(key?.use, 'sig');
  assert.equal(typeof key?.kid, 'string');
  for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key?.[privatePart], undefined, privatePart);
});

test('client credentials with client_secret_post give a one-hour RS256 at+jwt bound to the API token', async (t) => {
  const { app, clock } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const { response, body } = await requestToken(app, TEST_API_TOKEN);
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3600);
  assert.equal(body.scope, 'WorkflowApi');
  const token = String(body.access_token);
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'at+jwt');
  assert.equal(typeof header.kid, 'string');
  const claims = decodeJwt(token);
  const now = clock.now().getTime() / 1000;
  assert.equal(claims.iss, 'http://localhost:80');
  assert.equal(claims.aud, 'WorkflowApi');
  assert.equal(claims.client_id, 'workflowapi');
  assert.deepEqual(claims.scope, ['WorkflowApi']);
  assert.equal(claims.iat, now);
  assert.equal(claims.nbf, now);
  assert.equal(claims.exp, now + 3600);
  assert.equal(typeof claims.jti, 'string');
  assert.equal(typeof claims.tkh, 'string');
  assert.equal(token.includes(TEST_API_TOKEN), false);
  assert.equal((await probeWithBearer(app, token)).status, 200);
});

test('client credentials with HTTP Basic client authentication work too', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const response = await app.inject({
    method: 'POST',
    url: '/connect/token',
    headers: { ...FORM, authorization: `Basic ${Buffer.from(`workflowapi:${encodeURIComponent(TEST_API_TOKEN)}`).toString('base64')}` },
    payload: 'grant_type=client_credentials',
  });
  assert.equal(response.statusCode, 200);
  assert.equal((await probeWithBearer(app, response.json().access_token)).status, 200);
});

test('a wrong client secret is invalid_client (401, with WWW-Authenticate for Basic) and is never logged', async (t) => {
  const { app, logText } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const posted = await requestToken(app, 'guessed-secret-123456');
  assert.equal(posted.response.statusCode, 401);
  assert.equal(posted.body.error, 'invalid_client');
  assert.equal(posted.response.headers['cache-control'], 'no-store');
  const viaBasic = await app.inject({
    method: 'POST',
    url: '/connect/token',
    headers: { ...FORM, authorization: `Basic ${Buffer.from('workflowapi:guessed-secret-123456').toString('base64')}` },
    payload: 'grant_type=client_credentials',
  });
  assert.equal(viaBasic.statusCode, 401);
  assert.match(String(viaBasic.headers['www-authenticate']), /^Basic /);
  const wrongClient = await requestToken(app, TEST_API_TOKEN, { client_id: 'someone-else' });
  assert.equal(wrongClient.body.error, 'invalid_client');
  assert.equal(logText().includes('guessed-secret-123456'), false);
  assert.equal(logText().includes(TEST_API_TOKEN), false);
});

test('the token endpoint answers RFC 6749 errors for bad requests', async (t) => {
  const { app } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const grant = await requestToken(app, TEST_API_TOKEN, { grant_type: 'password' });
  assert.equal(grant.response.statusCode, 400);
  assert.equal(grant.body.error, 'unsupported_grant_type');
  const scope = await requestToken(app, TEST_API_TOKEN, { scope: 'WorkflowApi admin' });
  assert.equal(scope.body.error, 'invalid_scope');
  const missingGrant = await app.inject({ method: 'POST', url: '/connect/token', headers: FORM, payload: `client_id=workflowapi&client_secret=${TEST_API_TOKEN}` });
  assert.equal(missingGrant.json().error, 'invalid_request');
  const json = await app.inject({ method: 'POST', url: '/connect/token', payload: { client_id: 'workflowapi', client_secret: TEST_API_TOKEN, grant_type: 'client_credentials' } });
  assert.equal(json.statusCode, 400);
  assert.equal(json.json().error, 'invalid_request');
  const repeated = await app.inject({ method: 'POST', url: '/connect/token', headers: FORM, payload: `client_id=workflowapi&client_secret=${TEST_API_TOKEN}&grant_type=client_credentials&grant_type=password` });
  assert.equal(repeated.json().error, 'invalid_request');
  const both = await app.inject({
    method: 'POST',
    url: '/connect/token',
    headers: { ...FORM, authorization: `Basic ${Buffer.from(`workflowapi:${TEST_API_TOKEN}`).toString('base64')}` },
    payload: `client_secret=${TEST_API_TOKEN}&grant_type=client_credentials`,
  });
  assert.equal(both.json().error, 'invalid_request');
});

test('no tokens are issued while OpenID Connect mode is off, or while no API token is set', async (t) => {
  const tokenMode = await buildAccessApp({ apiToken: TEST_API_TOKEN });
  t.after(() => tokenMode.app.close());
  const off = await requestToken(tokenMode.app, TEST_API_TOKEN);
  assert.equal(off.response.statusCode, 400);
  assert.equal(off.body.error, 'unauthorized_client');
  const open = await buildAccessApp();
  t.after(() => open.app.close());
  const noToken = await requestToken(open.app, '');
  assert.equal(noToken.response.statusCode, 401);
  assert.equal(noToken.body.error, 'invalid_client');
});

test('ten failed token requests within five minutes lead to 429 with Retry-After', async (t) => {
  const { app, clock } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  for (let i = 0; i < 10; i++) assert.equal((await requestToken(app, `wrong-${i}-xxxxxxxxxxxx`)).response.statusCode, 401);
  const blocked = await requestToken(app, TEST_API_TOKEN);
  assert.equal(blocked.response.statusCode, 429);
  assert.equal(blocked.response.headers['retry-after'], '300');
  clock.advance(300_000);
  assert.equal((await requestToken(app, TEST_API_TOKEN)).response.statusCode, 200);
});
