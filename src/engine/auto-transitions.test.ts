import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CompiledScheme } from '../scheme/model.js';
import {
  action,
  activity,
  applyStep,
  context,
  fakeExternal,
  on,
  parameter,
  route,
  scheme,
  transition,
  user,
  when,
} from '../../test/support/engine-kit.js';
import { SchemeInvalidError } from '../errors/index.js';
import { compareParameter } from './built-ins.js';
import { createInstance, executeCommand } from './index.js';
import { InstanceStatus, type EngineContext, type JsonValue, type ParameterInput } from './types.js';

function create(ctx: EngineContext, compiled: CompiledScheme, parameters: ParameterInput[] = []) {
  return createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: user('u'), parameters });
}

describe('Auto transitions', () => {
  test('they chain until the process rests, running each destination’s actions', async () => {
    const compiled = scheme({
      activities: [
        activity('A'),
        activity('B', { implementation: [action('SetParameter', { ParameterName: 'Seen', Value: 'B' })] }),
        activity('C', { isFinal: true, implementation: [action('SetParameter', { ParameterName: 'Count', Value: '3' })] }),
      ],
      transitions: [transition('A', 'B'), transition('B', 'C')],
    });
    const step = await create(context(compiled), compiled);
    assert.deepEqual(route(step), ['A → B', 'B → C']);
    assert.deepEqual(step.instances[0]!.parameters, { Seen: 'B', Count: 3 });
    assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
    assert.deepEqual(
      step.history.map((r) => [r.triggerType, r.triggerName]),
      [['Auto', 'A_B'], ['Auto', 'B_C']],
    );
  });

  test('the loop guard stops a cycle: the instance is in Error in its last activity, naming the cycle', async () => {
    const compiled = scheme({
      activities: [activity('A'), activity('B'), activity('End', { isFinal: true })],
      transitions: [transition('A', 'B'), transition('B', 'A'), transition('B', 'End', { conditions: [when.expression('false')] })],
    });
    const step = await create(context(compiled, { maxAutoSteps: 10 }), compiled);
    const stuck = step.instances[0]!;
    assert.equal(stuck.status, InstanceStatus.Error);
    assert.equal(stuck.activityName, 'A');
    assert.equal(stuck.errorMessage, 'Automatic transitions did not come to rest after 10 steps; cycle: A → B → A');
    assert.equal(step.history.length, 10);
    assert.deepEqual(step.inbox.get('p1'), []);
  });

  test('the loop guard defaults to 1000 Auto transitions', async () => {
    const compiled = scheme({ activities: [activity('Spin')], transitions: [transition('Spin', 'Spin')] });
    const step = await create(context(compiled), compiled);
    assert.equal(step.history.length, 1000);
    assert.equal(step.instances[0]!.errorMessage, 'Automatic transitions did not come to rest after 1000 steps; cycle: Spin → Spin');
  });

  test('a failing action puts the instance in Error where it failed, and the step still returns that state', async () => {
    const compiled = scheme({
      activities: [activity('A'), activity('B', { implementation: [action('Notify', 'boss')] }), activity('C', { isFinal: true })],
      transitions: [transition('A', 'B'), transition('B', 'C')],
    });
    const step = await create(context(compiled), compiled);
    const failed = step.instances[0]!;
    assert.equal(failed.status, InstanceStatus.Error);
    assert.equal(failed.activityName, 'B');
    assert.match(failed.errorMessage!, /^Action Notify failed: WM_EXTERNAL_UNAVAILABLE: /);
    assert.deepEqual(route(step), ['A → B']);
    assert.deepEqual(step.events.at(-1), { type: 'statusChanged', processId: 'p1', oldStatus: InstanceStatus.Running, newStatus: InstanceStatus.Error });
  });

  test('an external action’s returned parameters are set on the process', async () => {
    const external = fakeExternal({ actions: { Lookup: (parameter) => ({ Manager: `manager-of-${parameter}` }) } });
    const compiled = scheme({
      parameters: [parameter('Manager', 'String')],
      activities: [activity('A', { implementation: [action('Lookup', 'ann')] })],
    });
    const step = await create(context(compiled, { external }), compiled);
    assert.deepEqual(step.instances[0]!.parameters, { Manager: 'manager-of-ann' });
  });

  test('SetParameter converts text to the declared type, ForRootProcess targets the root; RemoveParameter removes', async () => {
    const compiled = scheme({
      parameters: [parameter('Limit', 'Decimal'), parameter('Active', 'Boolean'), parameter('Note', 'String', 'Temporary')],
      activities: [
        activity('A', {
          implementation: [
            action('SetParameter', { ParameterName: 'Limit', Value: '12.5' }, 1),
            action('SetParameter', { ParameterName: 'Active', Value: 'true', ForRootProcess: true }, 2),
            action('SetParameter', { ParameterName: 'Note', Value: '42' }, 3),
            action('SetParameter', { ParameterName: 'Free', Value: 'not json' }, 4),
            action('SetParameter', { ParameterName: 'Gone', Value: '1' }, 5),
            action('RemoveParameter', { ParameterName: 'Gone' }, 6),
          ],
        }),
        activity('B'),
      ],
      transitions: [transition('A', 'B', { conditions: [when.expression('@Note == "42"')] })],
    });
    const step = await create(context(compiled), compiled);
    assert.equal(step.instances[0]!.activityName, 'B', 'the Temporary Note was visible to the expression as a String');
    assert.deepEqual(step.instances[0]!.parameters, { Limit: 12.5, Active: true, Free: 'not json' });
  });

  test('SetParameter with a value the declared type refuses fails the action', async () => {
    const compiled = scheme({
      parameters: [parameter('Count', 'Int32')],
      activities: [activity('A', { implementation: [action('SetParameter', { ParameterName: 'Count', Value: 'many' })] })],
    });
    const step = await create(context(compiled), compiled);
    assert.equal(step.instances[0]!.status, InstanceStatus.Error);
    assert.match(step.instances[0]!.errorMessage!, /WM_PARAMETER_TYPE/);
  });
});

describe('the expression evaluation budget', () => {
  // Check --Auto--> Done when a cubic comprehension over @Items finds anything.
  const compiled = scheme({
    activities: [activity('Draft'), activity('Check'), activity('Done', { isFinal: true })],
    transitions: [
      transition('Draft', 'Check', { trigger: on.command('Go') }),
      transition('Check', 'Done', { conditions: [when.expression('@Items.map(x, @Items.map(y, @Items.map(z, x + y + z))).size() > 0')] }),
    ],
  });

  test('given small items, the Auto transition is taken as usual', async () => {
    const ctx = context(compiled);
    const family = applyStep(null, await create(ctx, compiled, [{ name: 'Items', value: [1, 2, 3], persist: true }]));
    const { step } = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: user('u'), parameters: [] });
    assert.deepEqual(route(step), ['Draft → Check', 'Check → Done']);
  });

  test('given items too large for the budget, the instance is in Error where it stopped, saying why', async () => {
    const ctx = context(compiled);
    const items = Array.from({ length: 100_000 }, (_, index) => index);
    const family = applyStep(null, await create(ctx, compiled, [{ name: 'Items', value: items, persist: true }]));
    const { wasExecuted, step } = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: user('u'), parameters: [] });
    assert.equal(wasExecuted, true);
    const stopped = step.instances[0]!;
    assert.equal(stopped.status, InstanceStatus.Error);
    assert.equal(stopped.activityName, 'Check');
    assert.match(
      stopped.errorMessage!,
      /^WM_EXPRESSION_FAILED: Expression ".*" failed: the value of @Items is too large for this expression's evaluation budget \(estimated work: more than 10\^15 steps; the budget is 100,000;/,
    );
  });
});

describe('loops', () => {
  const loopFor = (options: Record<string, unknown> = {}) =>
    scheme({
      activities: [
        activity('Before'),
        activity('Loop', {
          implementation: [
            action('StartLoopFor', {
              LoopName: 'Loop',
              LoopStateParameterName: 'LoopState',
              LoopCounterValueParameterName: 'Counter',
              CounterType: 'Int',
              StepType: 'Increment',
              StartValue: '1',
              EndValue: '10',
              Step: '1',
              IncludeLastValue: true,
              ...options,
            }),
          ],
        }),
        activity('InLoop', { implementation: [action('Record', null)] }),
        activity('After'),
        activity('End', { isFinal: true }),
      ],
      transitions: [
        transition('Before', 'Loop'),
        transition('Loop', 'InLoop', { conditions: [when.action('LoopIsNotCompletedAndBroken', { LoopName: 'Loop' })] }),
        transition('InLoop', 'Loop'),
        transition('Loop', 'After', { conditions: [when.otherwise()] }),
        transition('After', 'Loop', { trigger: on.command('Again') }),
        transition('After', 'End', { trigger: on.command('Stop') }),
      ],
    });

  function recorder() {
    const seen: JsonValue[] = [];
    const external = fakeExternal({ actions: { Record: (_parameter, context) => void seen.push(context.parameters['Counter'] ?? null) } });
    return { seen, external };
  }

  test('StartLoopFor from 1 to 10 runs the loop body ten times with counter values 1…10, then leaves by Otherwise', async () => {
    const { seen, external } = recorder();
    const compiled = loopFor();
    const step = await create(context(compiled, { external }), compiled);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(step.instances[0]!.activityName, 'After');
    assert.equal(route(step).filter((r) => r === 'Loop → InLoop').length, 10);
    assert.deepEqual(step.instances[0]!.parameters['LoopState'], { loopName: 'Loop', status: 'Completed', index: 10 });
  });

  test('a completed loop starts afresh when the process enters it again', async () => {
    const { seen, external } = recorder();
    const compiled = loopFor({ EndValue: '3' });
    const ctx = context(compiled, { external });
    const family = applyStep(null, await create(ctx, compiled));
    await executeCommand(ctx, family, { processId: 'p1', command: 'Again', actor: user('u'), parameters: [] });
    assert.deepEqual(seen, [1, 2, 3, 1, 2, 3]);
  });

  test('Decrement without the last value, and a step of 3', async () => {
    const { seen, external } = recorder();
    const compiled = loopFor({ StepType: 'Decrement', StartValue: '10', EndValue: '1', Step: '3', IncludeLastValue: false });
    await create(context(compiled, { external }), compiled);
    assert.deepEqual(seen, [10, 7, 4]);
  });

  test('StartLoopForeach walks a separated list, or a list parameter', async () => {
    const cases: [Record<string, unknown>, { name: string; value: JsonValue }[], string[]][] = [
      [{ Values: 'one; two ;three', Separator: ';' }, [], ['one', 'two', 'three']],
      [{ ValuesFromParameter: true, ValuesParameterName: 'Items' }, [{ name: 'Items', value: ['x', 'y'] }], ['x', 'y']],
    ];
    for (const [options, parameters, expected] of cases) {
      const seen: JsonValue[] = [];
      const external = fakeExternal({ actions: { Record: (_p, context) => void seen.push(context.parameters['Item'] ?? null) } });
      const compiled = scheme({
        activities: [
          activity('Loop', { implementation: [action('StartLoopForeach', { LoopName: 'Each', LoopCounterValueParameterName: 'Item', ...options })] }),
          activity('Body', { implementation: [action('Record')] }),
          activity('Done', { isFinal: true }),
        ],
        transitions: [
          transition('Loop', 'Body', { conditions: [when.action('LoopIsNotCompletedAndBroken', { LoopName: 'Each' })] }),
          transition('Body', 'Loop'),
          transition('Loop', 'Done', { conditions: [when.otherwise()] }),
        ],
      });
      const step = await create(context(compiled, { external }), compiled, parameters);
      assert.deepEqual(seen, expected);
      assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
    }
  });

  test('a loop action without LoopName is refused when compiled; compiled leniently (a stored version), it fails clearly when it runs', async () => {
    const parts = { activities: [activity('Loop', { implementation: [action('StartLoopFor', { StartValue: 1, EndValue: 2 })] })] };
    assert.throws(
      () => scheme(parts),
      (error: unknown) =>
        error instanceof SchemeInvalidError &&
        error.problems.some((problem) => problem.where === 'activities[0] "Loop".implementation[0] "StartLoopFor"' && problem.message === 'StartLoopFor: LoopName is required'),
    );
    const compiled = scheme(parts, { parameterProblems: 'failWhenRun' });
    const step = await create(context(compiled), compiled);
    assert.equal(step.instances[0]!.errorMessage, 'Action StartLoopFor failed: WM_ACTION_FAILED: StartLoopFor: LoopName is required');
  });
});

describe('CheckParameter comparisons', () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ['Equal', 25, '25', true],
    ['Equal', 'abc', 'abd', false],
    ['Equal', null, '', false],
    ['NotEqual', 'abc', 'abd', true],
    ['More', 30, '25', true],
    ['More', '2026-02-01', '2026-01-01', true],
    ['Less', 3, '25', true],
    ['MoreOrEqual', 25, '25', true],
    ['LessOrEqual', 26, '25', false],
    ['Contains', 'vacation request', 'request', true],
    ['Contains', ['a', 'b'], 'b', true],
    ['NotContains', ['a', 'b'], 'c', true],
    ['StartsWith', 'vacation', 'vac', true],
    ['EndsWith', 'vacation', 'vac', false],
    ['In', 'b', 'a, b, c', true],
    ['NotIn', 'z', 'a,b,c', true],
    ['IsNull', null, null, true],
    ['IsNotNull', 0, null, true],
    ['IsEmpty', '', null, true],
    ['IsNotEmpty', [], null, false],
  ];
  for (const [compareType, actual, expected, result] of cases) {
    test(`${JSON.stringify(actual)} ${compareType} ${JSON.stringify(expected)} is ${result}`, () => {
      assert.equal(compareParameter(compareType, actual, expected, ','), result);
    });
  }
  test('an unknown CompareType is refused', () => {
    assert.throws(() => compareParameter('Sounds like', 'a', 'b', ','), /CompareType Sounds like is not known/);
  });
});
