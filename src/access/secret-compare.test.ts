import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretDigest, secretMatchesDigest, secretsEqual } from './secret-compare.js';

test('secrets compare equal only when they are the same text, whatever their lengths', () => {
  assert.equal(secretsEqual('the-api-token-0123456789', 'the-api-token-0123456789'), true);
  assert.equal(secretsEqual('the-api-token-0123456789', 'the-api-token-012345678'), false, 'a prefix');
  assert.equal(secretsEqual('the-api-token-012345678x', 'the-api-token-0123456789'), false);
  assert.equal(secretsEqual('', 'the-api-token-0123456789'), false);
  assert.equal(secretsEqual('jeton-été-ü', 'jeton-été-ü'), true, 'non-ASCII text');
  assert.equal(secretsEqual('jeton-ete-u', 'jeton-été-ü'), false);
});

test('a digest computed once matches the secret it was made from and nothing else', () => {
  const digest = secretDigest('the-api-token-0123456789');
  assert.equal(digest.length, 32);
  assert.equal(secretMatchesDigest('the-api-token-0123456789', digest), true);
  assert.equal(secretMatchesDigest('the-api-token-012345678', digest), false);
});
