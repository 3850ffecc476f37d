import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../services/clock.js';
import { FailureRateLimiter } from './rate-limiter.js';
import { secretsEqual } from './secret-compare.js';

test('a client is refused after the tenth failure within five minutes, and may retry once the oldest leaves the window', () => {
  const clock = new ManualClock();
  const limiter = new FailureRateLimiter(clock);
  for (let i = 0; i < 9; i++) {
    limiter.recordFailure('10.0.0.1');
    clock.advance(10_000);
  }
  assert.equal(limiter.retryAfterSeconds('10.0.0.1'), null);
  limiter.recordFailure('10.0.0.1');
  // The first failure was 90 s ago, so it leaves the 300 s window in 210 s.
  assert.equal(limiter.retryAfterSeconds('10.0.0.1'), 210);
  assert.equal(limiter.retryAfterSeconds('10.0.0.2'), null, 'other addresses are not affected');
  clock.advance(210_000);
  assert.equal(limiter.retryAfterSeconds('10.0.0.1'), null);
});

test('a success resets the count of that client', () => {
  const clock = new ManualClock();
  const limiter = new FailureRateLimiter(clock, { maxFailures: 2, windowMs: 60_000 });
  limiter.recordFailure('a');
  limiter.recordFailure('a');
  assert.equal(limiter.retryAfterSeconds('a'), 60);
  limiter.succeeded('a');
  assert.equal(limiter.retryAfterSeconds('a'), null);
});

test('secretsEqual compares secrets of any length', () => {
  assert.equal(secretsEqual('abc', 'abc'), true);
  assert.equal(secretsEqual('abc', 'abd'), false);
  assert.equal(secretsEqual('abc', 'abcd'), false);
  assert.equal(secretsEqual('', 'x'), false);
});
