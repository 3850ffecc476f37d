import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVING_HEAP_GROWING_PERCENT, tuneHeapForServing } from './heap-tuning.js';

test('a serving process has V8 collect its old generation once it grew by half', () => {
  const set: string[] = [];
  const tuning = tuneHeapForServing([], (flags) => set.push(flags));
  assert.equal(SERVING_HEAP_GROWING_PERCENT, 50);
  assert.deepEqual(set, ['--heap-growing-percent=50']);
  assert.deepEqual(tuning, { applied: '--heap-growing-percent=50' });
});

test('a --heap-growing-percent given to node on the command line is left as the operator chose it', () => {
  for (const given of ['--heap-growing-percent=200', '--heap_growing_percent=10', '--heap-growing-percent']) {
    const set: string[] = [];
    const tuning = tuneHeapForServing(['--enable-source-maps', given], (flags) => set.push(flags));
    assert.deepEqual(set, [], given);
    assert.deepEqual(tuning, { skipped: `node was started with ${given}` });
  }
});
