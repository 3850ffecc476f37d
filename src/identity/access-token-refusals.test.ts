import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { base64url, decodeJwt, exportSPKI, importJWK, SignJWT } from 'jose';
import {
  buildAccessApp,
  probeWithBearer,
  requestToken,
  signWith,
  storedSigningKey,
  TEST_API_TOKEN,
  type AccessTestApp,
} from '../access/testing.js';

const FAILURE = 'OpenId Connect authentication for Workflow API failed';

/** A fresh OIDC-mode app and a valid token's header and claims to start forgeries from. */
async function scenario(t: { after: (fn: () => Promise<unknown>) => void }) {
  const built = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => built.app.close());
  const { body } = await requestToken(built.app, TEST_API_TOKEN);
  const token = String(body.access_token);
  const key = await storedSigningKey(built.store);
  const claims = decodeJwt(token) as Record<string, unknown>;
  const header = { kid: key.kid, typ: 'at+jwt' };
  return { ...built, token, key, claims, header };
}

async function assertRefused(built: AccessTestApp, token: string, what: string): Promise<void> {
  const result = await probeWithBearer(built.app, token);
  assert.equal(result.status, 401, what);
  assert.equal(result.message, FAILURE, what);
}

test('a call without a Bearer token, or with another scheme, is refused', async (t) => {
  const built = await scenario(t);
  const none = await built.app.inject({ method: 'POST', url: '/workflowapi/probe', payload: {} });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().message, FAILURE);
  const other = await built.app.inject({ method: 'POST', url: '/workflowapi/probe', headers: { authorization: `Token ${built.token}` }, payload: {} });
  assert.equal(other.statusCode, 401);
  await assertRefused(built, 'not-a-jwt', 'garbage');
});

test('the genuine token passes (so every refusal below is caused by its one change)', async (t) => {
  const built = await scenario(t);
  assert.equal((await probeWithBearer(built.app, built.token)).status, 200);
  assert.equal((await probeWithBearer(built.app, await signWith(built.key.privateKey, built.header, built.claims))).status, 200, 'a re-signed copy passes');
});

test('an expired token is refused once the 30 s skew has passed', async (t) => {
  const built = await scenario(t);
  built.clock.advance((3600 + 29) * 1000);
  assert.equal((await probeWithBearer(built.app, built.token)).status, 200, 'within the skew');
  built.clock.advance(2000);
  await assertRefused(built, built.token, 'expired');
});

test('a token not yet valid is refused', async (t) => {
  const built = await scenario(t);
  const nbf = Number(built.claims.nbf) + 120;
  await assertRefused(built, await signWith(built.key.privateKey, built.header, { ...built.claims, nbf, iat: nbf }), 'nbf in the future');
});

test('a wrong audience, issuer, client or scope is refused', async (t) => {
  const built = await scenario(t);
  const sign = (claims: Record<string, unknown>) => signWith(built.key.privateKey, built.header, { ...built.claims, ...claims });
  await assertRefused(built, await sign({ aud: 'SomethingElse' }), 'aud');
  await assertRefused(built, await sign({ iss: 'https://evil.example.com' }), 'iss');
  await assertRefused(built, await sign({ client_id: 'other' }), 'client_id');
  await assertRefused(built, await sign({ scope: ['Other'] }), 'scope');
});

test('a token without typ at+jwt, or with an unknown kid, is refused', async (t) => {
  const built = await scenario(t);
  await assertRefused(built, await signWith(built.key.privateKey, { kid: built.key.kid, typ: 'JWT' }, built.claims), 'typ');
  await assertRefused(built, await signWith(built.key.privateKey, { kid: 'unknown-kid', typ: 'at+jwt' }, built.claims), 'kid');
  await assertRefused(built, await signWith(built.key.privateKey, { typ: 'at+jwt' }, built.claims), 'no kid');
});

test('alg none is refused', async (t) => {
  const built = await scenario(t);
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: built.key.kid }));
  const payload = base64url.encode(JSON.stringify(built.claims));
  await assertRefused(built, `${header}.${payload}.`, 'alg none');
});

test('HS256 signed with the public key as the HMAC secret is refused', async (t) => {
  const built = await scenario(t);
  const publicKey = await importJWK({ ...built.key.publicJwk, alg: 'RS256' }, 'RS256', { extractable: true });
  const pem = await exportSPKI(publicKey as CryptoKey);
  for (const secret of [pem, JSON.stringify(built.key.publicJwk)]) {
    const forged = await new SignJWT(built.claims)
      .setProtectedHeader({ alg: 'HS256', kid: built.key.kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(secret));
    await assertRefused(built, forged, 'HS256 confusion');
  }
});

test('a tampered payload is refused', async (t) => {
  const built = await scenario(t);
  const [header, , signature] = built.token.split('.');
  const payload = base64url.encode(JSON.stringify({ ...built.claims, exp: Number(built.claims.exp) + 86_400 }));
  await assertRefused(built, `${header}.${payload}.${signature}`, 'tampered');
});

test('a token issued before the API token changed is refused; new tokens pass', async (t) => {
  const built = await scenario(t);
  await built.access.settings.setApiToken('a-brand-new-api-token-000000');
  await assertRefused(built, built.token, 'old API token');
  const { response, body } = await requestToken(built.app, 'a-brand-new-api-token-000000');
  assert.equal(response.statusCode, 200);
  assert.equal((await probeWithBearer(built.app, String(body.access_token))).status, 200);
});

test('the API-token binding cannot be recomputed from the API token alone (it is keyed with a server salt)', async (t) => {
  const built = await scenario(t);
  const unsalted = createHmac('sha256', '').update(TEST_API_TOKEN).digest('base64url');
  assert.notEqual(built.claims.tkh, unsalted);
});

test('the issuer must be the public URL when one is configured', async (t) => {
  const built = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true, publicUrl: 'https://wf.example.com' });
  t.after(() => built.app.close());
  const { body } = await requestToken(built.app, TEST_API_TOKEN);
  const token = String(body.access_token);
  assert.equal(decodeJwt(token).iss, 'https://wf.example.com');
  assert.equal((await probeWithBearer(built.app, token)).status, 200);
  const key = await storedSigningKey(built.store);
  const local = await signWith(key.privateKey, { kid: key.kid, typ: 'at+jwt' }, { ...decodeJwt(token), iss: 'http://localhost:80' });
  await assertRefused(built, local, 'iss of the bind address');
});
