import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from './keyed-mutex.js';

test('work on one key runs one at a time, in arrival order', async () => {
  const mutex = new KeyedMutex();
  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = mutex.run('a', async () => {
    events.push('first:start');
    await gate;
    events.push('first:end');
  });
  const second = mutex.run('a', async () => {
    events.push('second');
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['first:start']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(events, ['first:start', 'first:end', 'second']);
  assert.equal(mutex.size, 0);
});

test('a failure does not block the next task on the key, and other keys run in parallel', async () => {
  const mutex = new KeyedMutex();
  await assert.rejects(mutex.run('a', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await mutex.run('a', async () => 42), 42);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = mutex.run('x', () => gate);
  assert.equal(await mutex.run('y', async () => 'y ran'), 'y ran');
  release();
  await slow;
});
