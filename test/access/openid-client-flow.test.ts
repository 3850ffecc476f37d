/**
 * The whole OpenID Connect flow over a real socket, driven by openid-client as an application
 * would: discovery, the client-credentials grant, then a protected Workflow API call; the token is
 * verified independently with jose against Waymark's published JWKS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ManualClock } from '../../src/services/clock.js';
import { buildAccessApp, TEST_API_TOKEN } from '../../src/access/testing.js';

async function listening(options: { secret?: string } = {}) {
  const built = await buildAccessApp({ apiToken: options.secret ?? TEST_API_TOKEN, oidc: true, clock: new ManualClock(new Date()) });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = built.app.server.address() as AddressInfo;
  return { ...built, origin: `http://127.0.0.1:${port}` };
}

test('openid-client discovers Waymark, gets a token by client credentials, and the token opens the Workflow API', async (t) => {
  const server = await listening();
  t.after(() => server.app.close());

  const config = await client.discovery(new URL(server.origin), 'workflowapi', TEST_API_TOKEN, client.ClientSecretPost(TEST_API_TOKEN), {
    execute: [client.allowInsecureRequests],
  });
  assert.equal(config.serverMetadata().issuer, server.origin);
  assert.equal(config.serverMetadata().token_endpoint, `${server.origin}/connect/token`);

  const tokens = await client.clientCredentialsGrant(config, { scope: 'WorkflowApi' });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.expires_in, 3600);

  const jwks = createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)));
  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
    issuer: server.origin,
    audience: 'WorkflowApi',
    algorithms: ['RS256'],
    typ: 'at+jwt',
    currentDate: server.clock.now(),
  });
  assert.equal(payload.client_id, 'workflowapi');
  assert.deepEqual(payload.scope, ['WorkflowApi']);
  assert.equal(protectedHeader.alg, 'RS256');

  const allowed = await fetch(`${server.origin}/workflowapi/probe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ schemeCode: 'TestScheme' }),
  });
  assert.equal(allowed.status, 200);
  const refused = await fetch(`${server.origin}/workflowapi/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { message: string }).message, 'OpenId Connect authentication for Workflow API failed');
});

test('openid-client with client_secret_basic works too, and a wrong secret is refused with a Basic challenge', async (t) => {
  // A secret with characters that form-encoding changes, to check the Basic decoding of RFC 6749 §2.3.1.
  const secret = 'basic+secret/with:odd=chars%20';
  const server = await listening({ secret });
  t.after(() => server.app.close());

  const config = await client.discovery(new URL(server.origin), 'workflowapi', secret, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  const tokens = await client.clientCredentialsGrant(config);
  assert.equal(typeof tokens.access_token, 'string');

  const wrong = await client.discovery(new URL(server.origin), 'workflowapi', 'not-the-secret', client.ClientSecretBasic('not-the-secret'), {
    execute: [client.allowInsecureRequests],
  });
  // With Basic client authentication the refusal carries a WWW-Authenticate challenge (RFC 6749 §5.2).
  await assert.rejects(client.clientCredentialsGrant(wrong), (error: unknown) => {
    const { name, status, response } = error as { name?: string; status?: number; response?: Response };
    return name === 'WWWAuthenticateChallengeError' && status === 401 && /^Basic /.test(response?.headers.get('www-authenticate') ?? '');
  });
});
