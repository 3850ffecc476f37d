import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWaymarkError } from '../errors/index.js';
import { compileTimer } from '../scheme/index.js';
import type { CompiledTimer, TimerDefinition } from '../scheme/model.js';
import { activity, applyStep, at, context, on, parameter, scheme, timer, transition, user, when } from '../../test/support/engine-kit.js';
import { computeTimerDue, createInstance, executeCommand, fireTimer } from './index.js';
import { InstanceStatus, type ProcessFamily } from './types.js';

const now = new Date('2026-01-15T09:00:00.000Z');
const due = (definition: TimerDefinition, parameters: Record<string, never> | Record<string, number | string> = {}) =>
  computeTimerDue(compileTimer(definition), now, parameters).toISOString();

describe('computeTimerDue', () => {
  test('Interval: now plus the interval, in words or milliseconds', () => {
    assert.equal(due(timer('t', 'Interval', '10minutes')), '2026-01-15T09:10:00.000Z');
    assert.equal(due(timer('t', 'Interval', '1d 2h')), '2026-01-16T11:00:00.000Z');
    assert.equal(due(timer('t', 'Interval', '60000')), '2026-01-15T09:01:00.000Z');
  });

  test('Time: the next time the clock shows it, today or tomorrow, in the timer’s time zone', () => {
    assert.equal(due(timer('t', 'Time', '10:30')), '2026-01-15T10:30:00.000Z');
    assert.equal(due(timer('t', 'Time', '08:30:15')), '2026-01-16T08:30:15.000Z');
    assert.equal(due(timer('t', 'Time', '09:00')), '2026-01-16T09:00:00.000Z', 'strictly after now');
    assert.equal(due(timer('t', 'Time', '08:30', { timeZone: 'Europe/Berlin' })), '2026-01-16T07:30:00.000Z');
  });

  test('Time given as an interval (the vendor sample Timer.xml says `1m`) counts as an interval', () => {
    assert.equal(due(timer('t', 'Time', '1m')), '2026-01-15T09:01:00.000Z');
  });

  test('Date and DateAndTime: that moment in the timer’s time zone', () => {
    assert.equal(due(timer('t', 'Date', '12/31/2026')), '2026-12-31T00:00:00.000Z');
    assert.equal(due(timer('t', 'DateAndTime', '03/05/2026 14:15:00', { timeZone: 'America/New_York' })), '2026-03-05T19:15:00.000Z');
    assert.equal(due(timer('t', 'DateAndTime', '07/01/2026 14:15:00', { timeZone: 'America/New_York' })), '2026-07-01T18:15:00.000Z', 'summer time');
  });

  test('Expression: a number is milliseconds from now; text is a date', () => {
    const types = new Map([['DelaySeconds', 'Int32'], ['Deadline', 'String']]);
    const inMs: CompiledTimer = compileTimer(timer('t', 'Expression', '@DelaySeconds * 1000'), types);
    assert.equal(computeTimerDue(inMs, now, { DelaySeconds: 90 }).toISOString(), '2026-01-15T09:01:30.000Z');
    const asDate: CompiledTimer = compileTimer(timer('t', 'Expression', '@Deadline'), types);
    assert.equal(computeTimerDue(asDate, now, { Deadline: '2026-02-01T12:00:00Z' }).toISOString(), '2026-02-01T12:00:00.000Z');
  });

  test('Cron: the next run after now, in the timer’s time zone', () => {
    assert.equal(due(timer('t', 'Cron', '0 9 * * *')), '2026-01-16T09:00:00.000Z');
    assert.equal(due(timer('t', 'Cron', '0 9 * * *', { timeZone: 'Asia/Tokyo' })), '2026-01-16T00:00:00.000Z');
  });

  test('Cron: the due time comes from the schedule compiled with the scheme, not from the pattern text', () => {
    const asked: string[] = [];
    const compiled = compileTimer(timer('t', 'Cron', '0 9 * * *'));
    const schedule = { kind: 'Cron' as const, cron: { nextRun: (after: Date) => (asked.push(after.toISOString()), new Date('2026-01-15T09:42:00.000Z')) } };
    assert.equal(computeTimerDue({ ...compiled, value: 'not a pattern', schedule }, now, {}).toISOString(), '2026-01-15T09:42:00.000Z');
    assert.deepEqual(asked, ['2026-01-15T09:00:00.000Z']);
  });

  test('a value that gives no time is WM_SCHEME_INVALID naming the timer', () => {
    for (const bad of [timer('Bad', 'Interval', 'soon'), timer('Bad', 'Date', '31/12/2026'), timer('Bad', 'Cron', 'every day')]) {
      assert.throws(
        () => due(bad),
        (error: unknown) => isWaymarkError(error, 'WM_SCHEME_INVALID') && error.message.startsWith('Timer Bad'),
      );
    }
  });
});

describe('timers of a process', () => {
  const build = (notOverrideIfExists: boolean) =>
    scheme({
      parameters: [parameter('Escalate', 'Boolean', 'Persistence', true)],
      timers: [timer('Remind', 'Interval', '1h', { notOverrideIfExists })],
      activities: [activity('Draft'), activity('Waiting'), activity('Escalated'), activity('Done', { isFinal: true })],
      transitions: [
        transition('Draft', 'Waiting', { trigger: on.command('Submit') }),
        transition('Waiting', 'Waiting', { name: 'Ping', trigger: on.command('Ping') }),
        transition('Waiting', 'Escalated', { trigger: on.timer('Remind'), conditions: [when.expression('@Escalate')] }),
        transition('Waiting', 'Done', { trigger: on.command('Approve') }),
      ],
    });

  async function waiting(notOverrideIfExists = false) {
    const compiled = build(notOverrideIfExists);
    const ctx = context(compiled, { now });
    let family: ProcessFamily = applyStep(
      null,
      await createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: user('u'), parameters: [] }),
    );
    const submitted = await executeCommand(ctx, family, { processId: 'p1', command: 'Submit', actor: user('u'), parameters: [] });
    family = applyStep(family, submitted.step);
    return { compiled, ctx, family, submitted: submitted.step };
  }

  test('entering an activity arms the timers of its Timer transitions; leaving clears them', async () => {
    const { ctx, family, submitted } = await waiting();
    assert.deepEqual(submitted.timers.get('p1'), [{ processId: 'p1', name: 'Remind', dueAt: '2026-01-15T10:00:00.000Z' }]);
    const approved = await executeCommand(ctx, family, { processId: 'p1', command: 'Approve', actor: user('u'), parameters: [] });
    assert.deepEqual(approved.step.timers.get('p1'), []);
  });

  test('when the timer fires (clock moved on), its transition is taken and recorded as a Timer trigger', async () => {
    const { ctx, family } = await waiting();
    const later = at(ctx, new Date('2026-01-15T10:00:00.000Z'));
    const { fired, step } = await fireTimer(later, family, { processId: 'p1', timerName: 'Remind' });
    assert.equal(fired, true);
    assert.equal(step.instances[0]!.activityName, 'Escalated');
    assert.equal(step.instances[0]!.status, InstanceStatus.Idled);
    assert.deepEqual(
      step.history.map((r) => [r.triggerType, r.triggerName, r.identityId, r.transitionTime]),
      [['Timer', 'Remind', null, '2026-01-15T10:00:00.000Z']],
    );
    assert.deepEqual(step.timers.get('p1'), []);
  });

  test('a timer of an activity the process has left does not fire', async () => {
    const { ctx, family } = await waiting();
    const done = applyStep(family, (await executeCommand(ctx, family, { processId: 'p1', command: 'Approve', actor: user('u'), parameters: [] })).step);
    const { fired, step } = await fireTimer(ctx, done, { processId: 'p1', timerName: 'Remind' });
    assert.equal(fired, false);
    assert.deepEqual(step.instances, []);
  });

  test('a timer whose transition condition does not hold fires without moving, and is dropped', async () => {
    const { ctx, family } = await waiting();
    const calm: ProcessFamily = { ...family, instances: new Map([['p1', { ...family.root, parameters: { Escalate: false } }]]) };
    const { fired, step } = await fireTimer(ctx, calm, { processId: 'p1', timerName: 'Remind' });
    assert.equal(fired, true);
    assert.equal(step.instances[0]!.activityName, 'Waiting');
    assert.deepEqual(step.history, []);
    assert.deepEqual(step.timers.get('p1'), []);
  });

  test('re-entering the activity re-arms the timer from the new time, unless NotOverrideIfExists keeps the armed one', async () => {
    for (const [notOverride, expected] of [
      [false, '2026-01-15T10:30:00.000Z'],
      [true, '2026-01-15T10:00:00.000Z'],
    ] as const) {
      const { ctx, family } = await waiting(notOverride);
      const later = at(ctx, new Date('2026-01-15T09:30:00.000Z'));
      const { step } = await executeCommand(later, family, { processId: 'p1', command: 'Ping', actor: user('u'), parameters: [] });
      assert.deepEqual(step.timers.get('p1'), [{ processId: 'p1', name: 'Remind', dueAt: expected }], `NotOverrideIfExists=${notOverride}`);
    }
  });
});
