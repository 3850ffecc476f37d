import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartData, niceCeiling } from './chart-data';

test('given 900 seconds, then the chart draws 90 buckets of 10 seconds, each their average rate', () => {
  const perSecond = Array.from({ length: 900 }, (_, second) => (second >= 890 ? 5 : 0));
  const data = chartData(perSecond, 300, 100);
  assert.equal(data.rates.length, 90);
  assert.equal(data.rates[89], 5);
  assert.equal(data.rates[0], 0);
  assert.equal(data.peak, 5);
  assert.equal(data.max, 5);
  assert.equal(data.average, 50 / 900);
  assert.ok(data.line.startsWith('M0,100 L'));
  assert.ok(data.line.endsWith('L300,0'));
  assert.ok(data.area.endsWith('L300,100 L0,100 Z'));
});

test('given no requests, then the line lies on the floor of a 0–1 axis', () => {
  const data = chartData([0, 0, 0], 20, 10);
  assert.equal(data.max, 1);
  assert.equal(data.line, 'M0,10 L10,10 L20,10');
});

test('the y axis tops out at 1, 2 or 5 times a power of ten', () => {
  assert.deepEqual([0, 0.4, 1, 1.5, 3, 7, 12, 230, 1000].map(niceCeiling), [1, 1, 1, 2, 5, 10, 20, 500, 1000]);
});
