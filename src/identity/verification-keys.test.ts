import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { buildAccessApp, probeWithBearer, requestToken, signWith, storedSigningKey, TEST_API_TOKEN } from '../access/testing.js';
import { createSqliteStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { SIGNING_KEYS_SETTING, UNKNOWN_KID_READ_INTERVAL_MS, VERIFICATION_KEYS_MAX_AGE_MS } from '../access/signing-keys.js';

/**
 * Two nodes on one store: "this" node over a store that counts its reads of the signing keys, and
 * "another" node (its own access control and key ring) over the same database.
 */
async function twoNodes(t: { after: (fn: () => Promise<unknown>) => void }) {
  const store = await createSqliteStore({ filename: ':memory:' });
  let keyReads = 0;
  const counting = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'getSetting') return Reflect.get(target, property, receiver) as unknown;
      return (key: string) => {
        if (key === SIGNING_KEYS_SETTING) keyReads++;
        return target.getSetting(key);
      };
    },
  }) as Store;
  const thisNode = await buildAccessApp({ apiToken: TEST_API_TOKEN, oidc: true, store: counting });
  const anotherNode = await buildAccessApp({ store, clock: thisNode.clock, adminPassword: null });
  t.after(async () => {
    await thisNode.app.close();
    await anotherNode.app.close();
    await store.close();
  });
  return { store, thisNode, anotherNode, clock: thisNode.clock, keyReads: () => keyReads };
}

async function issuedBy(node: Awaited<ReturnType<typeof buildAccessApp>>): Promise<string> {
  return String((await requestToken(node.app, TEST_API_TOKEN)).body.access_token);
}

test('a token signed by a key just rotated in on another node verifies at once, with one read of the keys', async (t) => {
  const { thisNode, anotherNode, keyReads } = await twoNodes(t);
  const before = await issuedBy(thisNode);
  assert.equal((await probeWithBearer(thisNode.app, before)).status, 200);

  const newKid = await anotherNode.access.settings.signingKeys.rotate();
  const after = await issuedBy(anotherNode);
  assert.equal(decodeProtectedHeader(after).kid, newKid);
  const readsBefore = keyReads();
  assert.equal((await probeWithBearer(thisNode.app, after)).status, 200, 'no clock movement needed');
  assert.equal(keyReads(), readsBefore + 1, 'the unknown kid made this node read the keys once');
  assert.equal((await probeWithBearer(thisNode.app, after)).status, 200);
  assert.equal((await probeWithBearer(thisNode.app, before)).status, 200, 'the retired key still verifies');
  assert.equal(keyReads(), readsBefore + 1, 'then the keys read serve every call');
});

test('a flood of tokens naming made-up key ids costs at most one read of the keys per interval', async (t) => {
  const { store, thisNode, clock, keyReads } = await twoNodes(t);
  const genuine = await issuedBy(thisNode);
  assert.equal((await probeWithBearer(thisNode.app, genuine)).status, 200);
  const { privateKey } = await storedSigningKey(store);
  const claims = decodeJwt(genuine) as Record<string, unknown>;
  const forged = (): Promise<string> => signWith(privateKey, { kid: randomBytes(32).toString('base64url'), typ: 'at+jwt' }, claims);
  const flood = async (): Promise<void> => {
    const tokens = await Promise.all(Array.from({ length: 40 }, forged));
    for (const [index, token] of tokens.entries()) {
      // Half one at a time, half all at once.
      if (index < 20) {
        assert.equal((await probeWithBearer(thisNode.app, token)).status, 401);
        clock.advance(10);
      }
    }
    const together = await Promise.all(tokens.slice(20).map((token) => probeWithBearer(thisNode.app, token)));
    assert.ok(together.every((result) => result.status === 401));
  };
  assert.ok(20 * 10 < Math.min(UNKNOWN_KID_READ_INTERVAL_MS, VERIFICATION_KEYS_MAX_AGE_MS));

  let readsBefore = keyReads();
  await flood();
  assert.equal(keyReads(), readsBefore + 1, 'one read for the first made-up kid, none for the others');
  assert.equal((await probeWithBearer(thisNode.app, genuine)).status, 200, 'genuine tokens still pass, without a read');
  assert.equal(keyReads(), readsBefore + 1);

  clock.advance(Math.max(UNKNOWN_KID_READ_INTERVAL_MS, VERIFICATION_KEYS_MAX_AGE_MS));
  readsBefore = keyReads();
  await flood();
  assert.equal(keyReads(), readsBefore + 2, 'the next interval: the keys are read as they are every second, plus one read for the flood');

  // While the flood holds back reads for unknown kids, a key this node rotates in verifies at once.
  await flood();
  await thisNode.access.settings.signingKeys.rotate();
  assert.equal((await probeWithBearer(thisNode.app, await issuedBy(thisNode))).status, 200);
});

test('a key another node removed stops verifying within the bound; a key retired long enough ago stops at once', async (t) => {
  const { store, thisNode, anotherNode, clock } = await twoNodes(t);
  const token = await issuedBy(thisNode);
  const oldKid = decodeProtectedHeader(token).kid;
  assert.equal((await probeWithBearer(thisNode.app, token)).status, 200);

  // Another node rotates, then the old key is taken out of the ring (as an operator would for a leaked key).
  await anotherNode.access.settings.signingKeys.rotate();
  const ring = (await store.getSetting(SIGNING_KEYS_SETTING)) as unknown as { kid: string }[];
  await store.setSetting(SIGNING_KEYS_SETTING, ring.filter((key) => key.kid !== oldKid) as never);
  clock.advance(VERIFICATION_KEYS_MAX_AGE_MS - 1);
  assert.equal((await probeWithBearer(thisNode.app, token)).status, 200, 'within the bound the keys read stay in use');
  clock.advance(1);
  assert.equal((await probeWithBearer(thisNode.app, token)).status, 401);

  // A token of the now retired key that claims to live three hours (only the key's holder could sign it).
  const retiredToken = await issuedBy(thisNode);
  const retired = await storedSigningKey(store);
  await anotherNode.access.settings.signingKeys.rotate();
  const claims = decodeJwt(retiredToken) as Record<string, unknown>;
  const longLived = await signWith(retired.privateKey, { kid: retired.kid, typ: 'at+jwt' }, { ...claims, exp: Number(claims.exp) + 2 * 3600 });
  // Keys read 500 ms before the retired key's hour and 30 s are up, and still within their bound after.
  clock.advance((3600 + 30) * 1000 - 500);
  assert.equal((await probeWithBearer(thisNode.app, longLived)).status, 200);
  clock.advance(500);
  assert.equal((await probeWithBearer(thisNode.app, longLived)).status, 401, 'the keys read no longer trust it');
});
