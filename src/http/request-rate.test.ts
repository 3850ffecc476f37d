import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../services/index.js';
import { RequestRateCounter } from './request-rate.js';

test('given requests in three seconds, then the series has one count per second, oldest first', () => {
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  const rate = new RequestRateCounter(clock);
  rate.record();
  rate.record();
  clock.advance(1000);
  clock.advance(1000);
  rate.record();
  rate.record();
  rate.record();
  const series = rate.series(4);
  assert.deepEqual(series.perSecond, [0, 2, 0, 3]);
  assert.equal(series.from, '2026-04-01T07:59:59.000Z');
  assert.equal(series.total, 5);
  assert.equal(series.averagePerSecond, 2 / 3, 'the running second is left out of the average');
});

test('given a second that fell out of the history, then its slot reads 0 and is reused', () => {
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  const rate = new RequestRateCounter(clock, 10);
  rate.record();
  clock.advance(10_000); // the same slot, one lap later
  assert.deepEqual(rate.series(10).perSecond, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  rate.record();
  assert.equal(rate.series(10).total, 1);
  assert.equal(rate.series(1000).perSecond.length, 10, 'never longer than the history');
});
