import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseInterval, parseTimeOfDay, parseTimerDate } from './timer-values.js';
import { isWaymarkError } from '../errors/index.js';

describe('parseInterval', () => {
  it('reads milliseconds and unit texts', () => {
    assert.equal(parseInterval('60000'), 60_000);
    assert.equal(parseInterval('10minutes'), 600_000);
    assert.equal(parseInterval('1d 2h'), 93_600_000);
    assert.equal(parseInterval('30s'), 30_000);
    assert.equal(parseInterval('2 hours 5 min'), 7_500_000);
    assert.equal(parseInterval('1m'), 60_000);
    assert.equal(parseInterval('1.5h'), 5_400_000);
    assert.equal(parseInterval('250ms'), 250);
    assert.equal(parseInterval('1W, 1Day'), 691_200_000);
  });

  it('refuses what it cannot read, with WM_INPUT_INVALID', () => {
    for (const [text, reason] of [
      ['', 'it is empty'],
      ['0', 'it must be longer than zero'],
      ['10 fortnights', '"fortnights" is not a unit (ms, s, min, h, d, w)'],
      ['soon', '"soon" is not a number followed by a unit (ms, s, min, h, d, w)'],
      ['1000000d', 'it is longer than 100 years'],
    ] as const) {
      assert.throws(
        () => parseInterval(text),
        (error: unknown) => isWaymarkError(error, 'WM_INPUT_INVALID') && error.message === `Interval "${text}" is not valid: ${reason}`,
      );
    }
  });
});

describe('parseTimeOfDay and parseTimerDate', () => {
  it('reads times of day', () => {
    assert.deepEqual(parseTimeOfDay('08:30'), { hours: 8, minutes: 30, seconds: 0 });
    assert.deepEqual(parseTimeOfDay('23:59:59'), { hours: 23, minutes: 59, seconds: 59 });
    assert.equal(parseTimeOfDay('24:00'), undefined);
    assert.equal(parseTimeOfDay('1m'), undefined);
  });

  it('reads vendor and ISO dates, refusing impossible ones', () => {
    assert.deepEqual(parseTimerDate('12/31/2026'), { year: 2026, month: 12, day: 31 });
    assert.deepEqual(parseTimerDate('12/31/2026 23:59:00'), { year: 2026, month: 12, day: 31, time: { hours: 23, minutes: 59, seconds: 0 } });
    assert.deepEqual(parseTimerDate('2026-01-02T03:04'), { year: 2026, month: 1, day: 2, time: { hours: 3, minutes: 4, seconds: 0 } });
    assert.equal(parseTimerDate('02/30/2026'), undefined);
    assert.equal(parseTimerDate('tomorrow'), undefined);
  });
});
