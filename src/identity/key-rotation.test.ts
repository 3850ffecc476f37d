import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK } from 'jose';
import { buildAccessApp, probeWithBearer, requestToken, TEST_API_TOKEN } from '../access/testing.js';
import { ManualClock } from '../services/clock.js';
import { createSqliteStore } from '../store/index.js';
import { SIGNING_KEYS_SETTING, SigningKeyRing } from '../access/signing-keys.js';

async function jwksKids(app: Awaited<ReturnType<typeof buildAccessApp>>['app']): Promise<string[]> {
  const { keys } = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration/jwks' })).json() as { keys: { kid: string }[] };
  return keys.map((key) => key.kid);
}

test('after a rotation new tokens use the new key, old tokens pass until they expire, and the old key is pruned later', async (t) => {
  const { app, access, clock } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  const before = String((await requestToken(app, TEST_API_TOKEN)).body.access_token);
  const oldKid = decodeProtectedHeader(before).kid;

  clock.advance(10 * 60_000);
  const newKid = await access.settings.signingKeys.rotate();
  assert.notEqual(newKid, oldKid);
  assert.deepEqual(await jwksKids(app), [newKid, oldKid], 'both keys are published');

  const after = String((await requestToken(app, TEST_API_TOKEN)).body.access_token);
  assert.equal(decodeProtectedHeader(after).kid, newKid);
  assert.equal((await probeWithBearer(app, before)).status, 200, 'the old key still verifies');
  assert.equal((await probeWithBearer(app, after)).status, 200);

  // The old token expires 50 min after the rotation; the old key stays one hour and 30 s after it.
  clock.advance(50 * 60_000 + 31_000);
  assert.equal((await probeWithBearer(app, before)).status, 401, 'expired');
  assert.deepEqual(await jwksKids(app), [newKid, oldKid]);
  clock.advance(10 * 60_000);
  assert.deepEqual(await jwksKids(app), [newKid], 'pruned after 1 h + skew');
  const fresh = String((await requestToken(app, TEST_API_TOKEN)).body.access_token);
  assert.equal((await probeWithBearer(app, fresh)).status, 200);
});

test('the signing key survives a restart: a token issued before still passes on a new server over the same store', async (t) => {
  const first = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => first.app.close());
  const token = String((await requestToken(first.app, TEST_API_TOKEN)).body.access_token);
  const second = await buildAccessApp({ store: first.store, clock: first.clock, adminPassword: null });
  t.after(() => second.app.close());
  assert.equal((await probeWithBearer(second.app, token)).status, 200);
});

test('the private key never reaches the log', async (t) => {
  const { app, store, logText } = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true });
  t.after(() => app.close());
  await requestToken(app, TEST_API_TOKEN);
  const keys = (await store.getSetting('identity.signingKeys')) as unknown as { privateJwk: { d: string } }[];
  const d = keys[0]?.privateJwk.d;
  assert.ok(d);
  assert.equal(logText().includes(d), false);
});

test('two key rings starting at once over one store end with exactly one signing key', async () => {
  const store = await createSqliteStore({ filename: ':memory:' });
  const clock = new ManualClock();
  const created = await Promise.all([new SigningKeyRing(store, clock).ensureKey(), new SigningKeyRing(store, clock).ensureKey()]);
  assert.deepEqual(created.sort(), [false, true]);
  assert.equal((await new SigningKeyRing(store, clock).describe()).length, 1);
});

test('two nodes starting on one empty database end with one first signing key that both sign with', async (t) => {
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  const clock = new ManualClock();
  // Two key rings over two store objects stand for two processes: the in-process lock does not join them.
  const otherProcessStore = new Proxy(store, {});
  const nodeA = new SigningKeyRing(store, clock);
  const nodeB = new SigningKeyRing(otherProcessStore, clock);
  const created = await Promise.all([nodeA.ensureKey(), nodeB.ensureKey()]);
  assert.equal(created.filter(Boolean).length, 1, 'exactly one node created the key');
  const [a, b] = await Promise.all([nodeA.activeKey(), nodeB.activeKey()]);
  assert.equal(a.kid, b.kid);
  assert.equal((await nodeA.publicKeySet()).keys.length, 1);
});

test('the JWKS read while the first key is being generated waits for it instead of publishing an empty set', async (t) => {
  // startServer generates the first key beside building the app; a reader must never see no key.
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  const clock = new ManualClock();
  const creating = new SigningKeyRing(store, clock).ensureKey();
  const reader = new SigningKeyRing(store, clock);
  const [published, active] = await Promise.all([reader.publicKeySet(), reader.activeKey()]);
  assert.equal(published.keys.length, 1);
  assert.equal(published.keys[0]?.kid, active.kid, 'the key being created is the one published and signing');
  assert.equal(await creating, true);
});

test('a new signing key is a 2048-bit RSA key whose id is its RFC 7638 thumbprint, importable for RS256', async (t) => {
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  assert.equal(await new SigningKeyRing(store, new ManualClock()).ensureKey(), true);
  const [stored] = (await store.getSetting(SIGNING_KEYS_SETTING)) as unknown as { kid: string; privateJwk: { kty: string; n: string; e: string; d: string } }[];
  assert.ok(stored);
  assert.equal(stored.privateJwk.kty, 'RSA');
  assert.equal(Buffer.from(stored.privateJwk.n, 'base64url').length * 8, 2048);
  assert.ok(stored.privateJwk.d, 'the private part is kept');
  assert.equal(stored.kid, await calculateJwkThumbprint(stored.privateJwk));
  const imported = await importJWK(stored.privateJwk, 'RS256');
  assert.equal((imported as { type?: string }).type, 'private');
});
