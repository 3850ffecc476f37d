/**
 * Timers that fire: every timer type through the scheduler with a manual clock and fake
 * timers (no real sleeping), restarts with timers that came due while down, two schedulers on
 * one database, stop/start, and waking early when a step arms an earlier timer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/services/index.js';
import { InstanceStatus } from '../../src/engine/index.js';
import { createSqliteStore, type StepWrite } from '../../src/store/index.js';
import { fakeStep, fakeWrite } from '../../src/store/testing.js';
import { actor, openHarness, tempDir, timerSchemeXml, type RuntimeHarness } from './runtime-kit.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function startInstance(h: RuntimeHarness, xml: string, processId = 'p-1', parameters: { name: string; value: number | string }[] = []): Promise<void> {
  const stored = await h.service.saveScheme({ xml });
  await h.service.createInstance({ processId, schemeCode: stored.code, actor, parameters });
}

/** How long the scheduler sleeps from now (null while it has no wake-up planned). */
function schedulerSleepMs(h: RuntimeHarness): number | null {
  const wake = h.runtime.scheduler.plannedWakeAt;
  return wake === null ? null : wake.getTime() - h.clock.now().getTime();
}

async function activityOf(h: RuntimeHarness, processId = 'p-1'): Promise<string> {
  return (await h.service.getInstance(processId)).activityName;
}

describe('each timer type fires through the scheduler when due, not before', () => {
  const cases: { name: string; timer: { type: string; value: string; timeZone?: string }; dueInMs: number; parameters?: { name: string; value: number | string }[] }[] = [
    // The clock starts at 2026-03-02T08:00:00Z (a Monday).
    { name: 'Interval in milliseconds', timer: { type: 'Interval', value: '90000' }, dueInMs: 90_000 },
    { name: 'Interval as text (10minutes)', timer: { type: 'Interval', value: '10minutes' }, dueInMs: 10 * MINUTE },
    { name: 'Interval as text (1d 2h)', timer: { type: 'Interval', value: '1d 2h' }, dueInMs: 26 * HOUR },
    { name: 'Time of day (UTC)', timer: { type: 'Time', value: '09:30' }, dueInMs: 90 * MINUTE },
    { name: 'Time of day in a time zone', timer: { type: 'Time', value: '10:00', timeZone: 'Europe/Berlin' }, dueInMs: HOUR },
    { name: 'Date (midnight)', timer: { type: 'Date', value: '03/04/2026' }, dueInMs: 40 * HOUR },
    { name: 'DateAndTime', timer: { type: 'DateAndTime', value: '03/02/2026 12:00:00' }, dueInMs: 4 * HOUR },
    { name: 'Expression (milliseconds from a parameter)', timer: { type: 'Expression', value: '@DelayMs' }, dueInMs: 5000 },
    { name: 'Expression (a date from a parameter)', timer: { type: 'Expression', value: '@Deadline' }, dueInMs: 2 * HOUR, parameters: [{ name: 'Deadline', value: '2026-03-02T10:00:00.000Z' }] },
    { name: 'Cron with a time zone', timer: { type: 'Cron', value: '0 12 * * *', timeZone: 'America/New_York' }, dueInMs: 9 * HOUR },
  ];
  for (const c of cases) {
    it(c.name, async (t) => {
      const h = await openHarness(t);
      const xml = timerSchemeXml(c.timer).replace(
        '<Parameter Name="DelayMs"',
        '<Parameter Name="Deadline" Type="String" Purpose="Persistence" />\n    <Parameter Name="DelayMs"',
      );
      await startInstance(h, xml, 'p-1', c.parameters ?? []);
      const [armed] = await h.store.getTimers('p-1');
      assert.equal(armed?.dueAt, new Date(h.clock.now().getTime() + c.dueInMs).toISOString());

      h.runtime.start();
      await h.settle();
      assert.equal(schedulerSleepMs(h), Math.min(c.dueInMs, MINUTE), 'sleeps until due, at most a minute');

      await h.advance(c.dueInMs - 1000);
      assert.equal(await activityOf(h), 'Waiting', 'not fired before it is due');
      await h.advance(1000);
      assert.equal(await activityOf(h), 'Done');
      const history = await h.store.getHistory('p-1');
      assert.deepEqual(history.filter((r) => r.triggerType === 'Timer').map((r) => r.triggerName), ['Due'], 'fired once');
      assert.deepEqual(await h.store.getTimers('p-1'), []);
      assert.deepEqual(h.errors, []);
    });
  }

});

describe('durability', () => {
  it('timers that came due while the server was down fire once, promptly, after a restart', async (t) => {
    const dataDir = tempDir(t);
    const clock = new ManualClock('2026-03-02T08:00:00.000Z');
    const first = await openHarness(t, { dataDir, clock, closeOnEnd: false });
    await startInstance(first, timerSchemeXml({ type: 'Interval', value: '10minutes' }), 'p-1');
    await first.service.createInstance({ processId: 'p-2', schemeCode: 'TimerScheme', actor, parameters: [] });
    first.runtime.start();
    await first.settle();
    await first.runtime.stop();
    await first.store.close();

    clock.advance(3 * HOUR);
    const second = await openHarness(t, { dataDir, clock });
    second.runtime.start();
    await second.settle();
    for (const id of ['p-1', 'p-2']) {
      assert.equal(await activityOf(second, id), 'Done', `${id} fired on start`);
      assert.equal((await second.store.getHistory(id)).filter((r) => r.triggerType === 'Timer').length, 1, `${id} fired once`);
    }
    await second.advance(2 * HOUR);
    assert.equal((await second.store.getHistory('p-1')).filter((r) => r.triggerType === 'Timer').length, 1);
  });

  it('a crash after claiming and before firing re-fires after the lease lapses', async (t) => {
    const h = await openHarness(t);
    await startInstance(h, timerSchemeXml({ type: 'Interval', value: '1minute' }));
    h.clock.advance(MINUTE);
    // Another scheduler claimed the timer and died before firing it.
    const claimed = await h.store.claimDueTimers(h.clock.now(), new Date(h.clock.now().getTime() + 5 * MINUTE), 10);
    assert.equal(claimed.length, 1);
    h.runtime.start();
    await h.settle();
    assert.equal(await activityOf(h), 'Waiting', 'leased by the dead scheduler');
    assert.equal(schedulerSleepMs(h), MINUTE, 'sleeps the max sleep (lease ends later)');
    await h.advance(4 * MINUTE);
    assert.equal(await activityOf(h), 'Waiting');
    await h.advance(MINUTE);
    assert.equal(await activityOf(h), 'Done', 'fired when the lease lapsed');
  });

  it('two schedulers on one store never fire a timer twice (claims)', async (t) => {
    const clock = new ManualClock('2026-03-02T08:00:00.000Z');
    const a = await openHarness(t, { clock });
    const b = await openHarness(t, { clock, store: a.store });
    const xml = timerSchemeXml({ type: 'Interval', value: '1minute' });
    await a.service.saveScheme({ xml });
    for (let i = 0; i < 30; i += 1) {
      await a.service.createInstance({ processId: `p-${i}`, schemeCode: 'TimerScheme', actor, parameters: [] });
    }
    a.runtime.start();
    b.runtime.start();
    await Promise.all([a.settle(), b.settle()]);
    clock.advance(MINUTE);
    a.timers.runDue();
    b.timers.runDue();
    await Promise.all([a.settle(), b.settle()]);
    for (let i = 0; i < 30; i += 1) {
      const history = await a.store.getHistory(`p-${i}`);
      assert.equal(history.filter((r) => r.triggerType === 'Timer').length, 1, `p-${i} fired exactly once`);
    }
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
});

describe('batches', () => {
  it('a fire that fails leaves its claim to lapse; only that timer waits, then fires once', async (t) => {
    const inner = await createSqliteStore({ filename: ':memory:' });
    t.after(() => inner.close());
    let failures = 1;
    // The first step for p-2 fails as a broken disk would make it fail (not a conflict).
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property === 'applyStep') {
          return async (write: StepWrite) => {
            if (failures > 0 && write.step.history.some((r) => r.processId === 'p-2' && r.triggerType === 'Timer')) {
              failures -= 1;
              throw new Error('disk I/O error');
            }
            return target.applyStep(write);
          };
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const h = await openHarness(t, { store });
    await h.service.saveScheme({ xml: timerSchemeXml({ type: 'Interval', value: '1minute' }) });
    for (const id of ['p-1', 'p-2', 'p-3']) await h.service.createInstance({ processId: id, schemeCode: 'TimerScheme', actor, parameters: [] });
    h.runtime.start();
    await h.advance(MINUTE);
    assert.deepEqual(await Promise.all(['p-1', 'p-2', 'p-3'].map((id) => activityOf(h, id))), ['Done', 'Waiting', 'Done']);
    assert.deepEqual(h.errors, ['timer Due of process p-2: disk I/O error']);
    assert.equal((await inner.getTimers('p-2')).length, 1, 'still armed, and claimed');
    await h.advance(MINUTE - 1000);
    assert.equal(await activityOf(h, 'p-2'), 'Waiting', 'not before the lease lapses');
    await h.advance(1000);
    assert.equal(await activityOf(h, 'p-2'), 'Done', 'fired when the lease lapsed');
    assert.equal((await inner.getHistory('p-2')).filter((r) => r.triggerType === 'Timer').length, 1);
    assert.equal(h.errors.length, 1);
  });

  it('a timer whose instance no longer exists is deleted, without an error; the rest of its batch fires', async (t) => {
    const h = await openHarness(t);
    await startInstance(h, timerSchemeXml({ type: 'Interval', value: '1minute' }));
    // A timer row left behind for an instance that is gone.
    await h.store.applyStep(fakeWrite(fakeStep({ timers: { ghost: [{ processId: 'ghost', name: 'Due', dueAt: '2026-03-02T08:01:00.000Z' }] } })));
    h.runtime.start();
    await h.advance(MINUTE);
    assert.equal(await activityOf(h), 'Done');
    assert.deepEqual(await h.store.getTimers('ghost'), []);
    assert.deepEqual(h.errors, []);
  });

  it('many timers due at once fire in bounded batches, each exactly once', async (t) => {
    const h = await openHarness(t, { runtime: { scheduler: { batchSize: 10 } } });
    await h.service.saveScheme({ xml: timerSchemeXml({ type: 'Interval', value: '1minute' }) });
    for (let i = 0; i < 35; i += 1) await h.service.createInstance({ processId: `p-${i}`, schemeCode: 'TimerScheme', actor, parameters: [] });
    const claims: number[] = [];
    const claim = h.store.claimDueTimers.bind(h.store);
    (h.store as { claimDueTimers: typeof claim }).claimDueTimers = async (...args) => {
      const claimed = await claim(...args);
      claims.push(claimed.length);
      return claimed;
    };
    h.runtime.start();
    await h.advance(MINUTE);
    assert.deepEqual(claims.filter((n) => n > 0), [10, 10, 10, 5]);
    for (let i = 0; i < 35; i += 1) {
      assert.equal((await h.store.getHistory(`p-${i}`)).filter((r) => r.triggerType === 'Timer').length, 1, `p-${i} fired once`);
    }
    assert.deepEqual(h.errors, []);
  });
});

describe('scheduling', () => {
  it('runtime stop pauses firing and start resumes it', async (t) => {
    const h = await openHarness(t);
    await startInstance(h, timerSchemeXml({ type: 'Interval', value: '1minute' }));
    h.runtime.start();
    await h.settle();
    h.service.execution.stop();
    await h.advance(5 * MINUTE);
    assert.equal(await activityOf(h), 'Waiting', 'not fired while stopped');
    assert.equal(schedulerSleepMs(h), null, 'no wake-up is planned while stopped');
    h.service.execution.start();
    await h.settle();
    assert.equal(await activityOf(h), 'Done', 'fired promptly on start');
  });

  it('a step that arms an earlier timer wakes the scheduler early; batches are bounded', async (t) => {
    const h = await openHarness(t, { runtime: { scheduler: { batchSize: 3, maxSleepMs: 10 * MINUTE } } });
    await startInstance(h, timerSchemeXml({ type: 'Interval', value: '8minutes' }, 'Slow'), 'slow');
    h.runtime.start();
    await h.settle();
    assert.equal(schedulerSleepMs(h), 8 * MINUTE);
    await h.service.saveScheme({ xml: timerSchemeXml({ type: 'Interval', value: '2minutes' }, 'Quick') });
    for (let i = 0; i < 7; i += 1) await h.service.createInstance({ processId: `quick-${i}`, schemeCode: 'Quick', actor, parameters: [] });
    assert.equal(schedulerSleepMs(h), 2 * MINUTE, 'rescheduled for the earlier timer');
    await h.advance(2 * MINUTE);
    for (let i = 0; i < 7; i += 1) assert.equal(await activityOf(h, `quick-${i}`), 'Done');
    assert.equal(await activityOf(h, 'slow'), 'Waiting');
    assert.equal(schedulerSleepMs(h), 6 * MINUTE);
  });

  it('NotOverrideIfExists keeps the armed due time when the activity is re-entered', async (t) => {
    const h = await openHarness(t);
    await startInstance(h, timerSchemeXml({ type: 'Interval', value: '10minutes', notOverride: true }));
    const [before] = await h.store.getTimers('p-1');
    h.clock.advance(4 * MINUTE);
    await h.service.executeCommand({ processId: 'p-1', command: 'Poke', actor, parameters: [] });
    assert.equal(await activityOf(h), 'Waiting');
    assert.deepEqual(await h.store.getTimers('p-1'), [before]);

    const plain = await openHarness(t);
    await startInstance(plain, timerSchemeXml({ type: 'Interval', value: '10minutes' }));
    plain.clock.advance(4 * MINUTE);
    await plain.service.executeCommand({ processId: 'p-1', command: 'Poke', actor, parameters: [] });
    const [rearmed] = await plain.store.getTimers('p-1');
    assert.equal(rearmed?.dueAt, '2026-03-02T08:14:00.000Z', 'without it, re-entering re-arms');
  });
});
