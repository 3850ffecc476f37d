import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from './new-id.js';

test('given random bytes, then the id is a version 4 UUID of them', () => {
  assert.equal(newId((bytes) => bytes.fill(0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  assert.equal(newId((bytes) => bytes.fill(0)), '00000000-0000-4000-8000-000000000000');
});

test('given the platform random source, then ids are UUIDs and differ', () => {
  const ids = new Set(Array.from({ length: 50 }, () => newId()));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
