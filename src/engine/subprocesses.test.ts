import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SubprocessCopyStrategy, SubprocessMergeStrategy } from '../scheme/model.js';
import {
  activity,
  applyStep,
  context,
  member,
  on,
  parameter,
  route,
  scheme,
  subprocess,
  transition,
  user,
  when,
} from '../../test/support/engine-kit.js';
import { createInstance, executeCommand, getAvailableCommands } from './index.js';
import { InstanceStatus, type ProcessFamily } from './types.js';

/**
 * Parent: Start ⇒ (fork) Branch, Start → Main → Wait → End (when all subprocesses completed).
 * Child: Branch --Merge--> Merged (Finalize fork: the child ends and merges back).
 */
function parallel(copy: { strategy: SubprocessCopyStrategy; names?: string[] }, merge: { strategy: SubprocessMergeStrategy; names?: string[] }) {
  return scheme({
    parameters: [parameter('A', 'Int32', 'Persistence', 1), parameter('B', 'Int32', 'Persistence', 2)],
    activities: [
      activity('Start', { isInitial: true }),
      activity('Main'),
      activity('Wait'),
      activity('End', { isFinal: true }),
      activity('Branch'),
      activity('Merged'),
    ],
    transitions: [
      transition('Start', 'Branch', { subprocess: subprocess('Start', { copyStrategy: copy.strategy, copyParameters: copy.names ?? [] }) }),
      transition('Start', 'Main'),
      transition('Main', 'Wait'),
      transition('Wait', 'End', { conditions: [when.action('CheckAllSubprocessesCompleted', { Mode: 'AllSubprocessesAndParent' })] }),
      transition('Branch', 'Merged', {
        trigger: on.command('Merge'),
        subprocess: subprocess('Finalize', { mergeStrategy: merge.strategy, mergeParameters: merge.names ?? [] }),
      }),
    ],
  });
}

async function startParallel(compiled: ReturnType<typeof parallel>, parameters: { name: string; value: null | number | string; persist?: boolean }[] = []) {
  const ctx = context(compiled);
  const step = await createInstance(ctx, compiled, {
    processId: 'root',
    schemeId: 'scheme-1',
    schemeVersion: 1,
    tenantId: 'acme',
    actor: user('starter'),
    parameters,
  });
  return { ctx, step, family: applyStep(null, step) };
}

describe('subprocesses', () => {
  test('given a fork, when the process starts, then a subprocess runs in the branch while the parent waits', async () => {
    const { step, family } = await startParallel(parallel({ strategy: 'CopyAll' }, { strategy: 'OverwriteAllNulls' }));
    const root = member(family, 'root');
    const child = member(family, 'sub-1');
    assert.equal(root.activityName, 'Wait');
    assert.equal(root.status, InstanceStatus.Idled);
    assert.equal(child.activityName, 'Branch');
    assert.equal(child.status, InstanceStatus.Idled);
    assert.equal(child.parentProcessId, 'root');
    assert.equal(child.rootProcessId, 'root');
    assert.equal(child.startingTransitionName, 'Start_Branch');
    assert.equal(child.tenantId, 'acme');
    assert.deepEqual(route(step, 'root'), ['Start → Main', 'Main → Wait']);
    assert.deepEqual(route(step, 'sub-1'), ['Start → Branch']);
    assert.equal(step.history.find((r) => r.processId === 'sub-1')!.triggerType, 'Subprocess');
    assert.ok(step.inbox.has('sub-1') && step.timers.has('sub-1'), 'the new subprocess has inbox and timer entries');
  });

  test('the subprocess command is offered on the root as a command for the subprocess', async () => {
    const { ctx, family } = await startParallel(parallel({ strategy: 'CopyAll' }, { strategy: 'OverwriteAllNulls' }));
    const commands = await getAvailableCommands(ctx, family, { processId: 'root', actor: user('anyone') });
    assert.deepEqual(
      commands.map((c) => [c.name, c.processId, c.isForSubprocess]),
      [['Merge', 'sub-1', true]],
    );
  });

  const copyCases: [SubprocessCopyStrategy, string[], Record<string, unknown>][] = [
    ['CopyAll', [], { A: 10, B: 20, Extra: 'x' }],
    ['IgnoreAll', [], { A: 1, B: 2 }],
    ['CopySpecified', ['B'], { A: 1, B: 20 }],
    ['IgnoreSpecified', ['B'], { A: 10, B: 2, Extra: 'x' }],
  ];
  for (const [strategy, names, expected] of copyCases) {
    test(`copy strategy ${strategy}${names.length ? ` [${names}]` : ''}: the subprocess starts with ${JSON.stringify(expected)}`, async () => {
      const { family } = await startParallel(parallel({ strategy, names }, { strategy: 'OverwriteAll' }), [
        { name: 'A', value: 10 },
        { name: 'B', value: 20 },
        { name: 'Extra', value: 'x', persist: true },
      ]);
      assert.deepEqual(member(family, 'sub-1').parameters, expected);
    });
  }

  const mergeCases: [SubprocessMergeStrategy, string[], Record<string, unknown>][] = [
    ['OverwriteAllNulls', [], { A: 1, B: 2, Shared: 'from child', C: 30 }],
    ['OverwriteAll', [], { A: 1, B: 20, Shared: 'from child', C: 30 }],
    ['OverwriteSpecified', ['B'], { A: 1, B: 20, Shared: null }],
    ['DontOverwriteSpecified', ['B'], { A: 1, B: 2, Shared: 'from child', C: 30 }],
  ];
  for (const [strategy, names, expected] of mergeCases) {
    test(`merge strategy ${strategy}${names.length ? ` [${names}]` : ''}: when the subprocess finalizes, the parent gets ${JSON.stringify(expected)} and completes`, async () => {
      const { ctx, family } = await startParallel(parallel({ strategy: 'CopyAll' }, { strategy, names }), [
        { name: 'Shared', value: null, persist: true },
      ]);
      const { wasExecuted, step } = await executeCommand(ctx, family, {
        processId: 'sub-1',
        command: 'Merge',
        actor: user('worker'),
        parameters: [
          { name: 'B', value: 20 },
          { name: 'Shared', value: 'from child', persist: true },
          { name: 'C', value: 30, persist: true },
        ],
      });
      assert.equal(wasExecuted, true);
      assert.deepEqual(step.removedInstanceIds, ['sub-1']);
      assert.deepEqual(step.inbox.get('sub-1'), []);
      assert.deepEqual(step.timers.get('sub-1'), []);
      const root = step.instances.find((i) => i.id === 'root')!;
      assert.deepEqual(root.parameters, expected);
      assert.equal(root.activityName, 'End', 'the parent stopped waiting: no live subprocess remains');
      assert.equal(root.status, InstanceStatus.Finalized);
      assert.equal(step.instances.some((i) => i.id === 'sub-1'), false);
      assert.deepEqual(route(step, 'sub-1'), ['Branch → Merged']);
      assert.deepEqual(route(step, 'root'), ['Wait → End']);
    });
  }

  test('a parent coming back to the fork does not start a second subprocess while the first runs', async () => {
    const compiled = scheme({
      activities: [activity('Start'), activity('Branch'), activity('Done', { isFinal: true })],
      transitions: [
        transition('Start', 'Branch', { subprocess: subprocess('Start') }),
        transition('Start', 'Start', { name: 'Again', trigger: on.command('Again') }),
        transition('Branch', 'Done', { trigger: on.command('Finish'), subprocess: subprocess('Finalize') }),
      ],
    });
    const ctx = context(compiled);
    let family: ProcessFamily = applyStep(
      null,
      await createInstance(ctx, compiled, { processId: 'root', schemeId: 's', schemeVersion: 1, tenantId: null, actor: user('u'), parameters: [] }),
    );
    assert.deepEqual([...family.instances.keys()].sort(), ['root', 'sub-1']);
    family = applyStep(family, (await executeCommand(ctx, family, { processId: 'root', command: 'Again', actor: user('u'), parameters: [] })).step);
    assert.deepEqual([...family.instances.keys()].sort(), ['root', 'sub-1']);
    family = applyStep(family, (await executeCommand(ctx, family, { processId: 'sub-1', command: 'Finish', actor: user('u'), parameters: [] })).step);
    family = applyStep(family, (await executeCommand(ctx, family, { processId: 'root', command: 'Again', actor: user('u'), parameters: [] })).step);
    assert.deepEqual([...family.instances.keys()].sort(), ['root', 'sub-2'], 'after the first ended, a new one starts');
  });
});
