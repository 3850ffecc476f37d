import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../services/clock.js';
import { FakeTimers } from './testing.js';
import { WakeLoop } from './wake-loop.js';

function loop(clock: ManualClock, timers: FakeTimers, options: { work: () => Promise<boolean>; next: () => Promise<Date | null>; errors?: unknown[] }): WakeLoop {
  return new WakeLoop({
    clock,
    setTimer: timers.setTimer,
    maxSleepMs: 60_000,
    work: options.work,
    nextWakeAt: options.next,
    onError: (error) => options.errors?.push(error),
  });
}

describe('WakeLoop', () => {
  it('runs at once on start, then sleeps until the next wake (at most the max sleep)', async () => {
    const clock = new ManualClock();
    const timers = new FakeTimers(clock);
    let rounds = 0;
    let next: Date | null = new Date(clock.now().getTime() + 5000);
    const wake = loop(clock, timers, { work: async () => (rounds++, false), next: async () => next });
    wake.start();
    timers.runDue();
    await wake.whenIdle();
    assert.equal(rounds, 1);
    assert.deepEqual(timers.pendingDelays, [5000]);
    next = null;
    timers.advance(5000);
    await wake.whenIdle();
    assert.equal(rounds, 2);
    assert.deepEqual(timers.pendingDelays, [60_000], 'nothing known: the max sleep');
  });

  it('wakes early for earlier work, ignores later work, and a full batch runs again at once', async () => {
    const clock = new ManualClock();
    const timers = new FakeTimers(clock);
    const batches = [true, true, false];
    let rounds = 0;
    const wake = loop(clock, timers, { work: async () => (rounds++, batches.shift() ?? false), next: async () => null });
    wake.start();
    timers.runDue();
    await wake.whenIdle();
    assert.equal(rounds, 3, 'two full batches, then the rest');
    wake.wakeAt(new Date(clock.now().getTime() + 90_000));
    assert.deepEqual(timers.pendingDelays, [60_000], 'later than planned: ignored');
    wake.wakeAt(new Date(clock.now().getTime() + 1000));
    assert.deepEqual(timers.pendingDelays, [1000]);
  });

  it('after an error it reports it and sleeps the max sleep instead of spinning; stop cancels the sleep', async () => {
    const clock = new ManualClock();
    const timers = new FakeTimers(clock);
    const errors: unknown[] = [];
    const wake = loop(clock, timers, { work: async () => { throw new Error('database is locked'); }, next: async () => new Date(0), errors });
    wake.start();
    timers.runDue();
    await wake.whenIdle();
    assert.equal((errors[0] as Error).message, 'database is locked');
    assert.deepEqual(timers.pendingDelays, [60_000]);
    await wake.stop();
    assert.deepEqual(timers.pendingDelays, []);
    assert.equal(wake.isRunning, false);
  });
});
