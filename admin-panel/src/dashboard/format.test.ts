import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAgo, formatBounded, formatCount, formatRate } from './format';

test('counts are grouped, and a bounded count says "more than"', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatBounded({ count: 42, atLeast: false }), '42');
  assert.equal(formatBounded({ count: 100_001, atLeast: true }), 'more than 100,000');
});

test('times read as how long ago', () => {
  const now = Date.parse('2026-04-01T12:00:00.000Z');
  assert.equal(formatAgo('2026-04-01T11:59:48.000Z', now), '12 s ago');
  assert.equal(formatAgo('2026-04-01T11:55:00.000Z', now), '5 min ago');
  assert.equal(formatAgo('2026-04-01T09:00:00.000Z', now), '3 h ago');
  assert.equal(formatAgo('2026-04-01T12:00:03.000Z', now), '0 s ago', 'a clock a little ahead is not in the future');
});

test('rates keep one decimal, two below 1', () => {
  assert.equal(formatRate(12.345), '12.3');
  assert.equal(formatRate(0.0444), '0.04');
  assert.equal(formatRate(0), '0');
});
