/**
 * Every runnable scheme of a folder of vendor-format schemes, imported from its XML, compiled,
 * created and driven to its final activity, checking state, inbox, outbox and history at each
 * step. Run on the project's fixtures (`fixtures.test.ts`) and on the vendor's samples
 * (`npm run test:vendor-schemes`). FileWriteRead and DirectoryCompress need a file sandbox: the
 * runtime's fixture runs cover them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createInstance,
  executeCommand,
  fireTimer,
  InstanceStatus,
  setState,
  type EngineContext,
  type ExternalCalls,
  type ProcessFamily,
  type ProcessInstance,
} from '../../src/engine/index.js';
import { loadScheme, type CompiledScheme } from '../../src/scheme/index.js';
import { applyStep, at, context, fakeExternal, route, user } from '../support/engine-kit.js';
import type { SchemeFolder } from '../support/scheme-fixtures.js';

const now = new Date('2026-04-01T08:00:00.000Z');

/** Registers the engine runs of the runnable schemes in `schemes`. */
export function describeFixtureRuns(schemes: SchemeFolder): void {
  function load(name: string): CompiledScheme {
    return loadScheme({ xml: schemes.xml(name) }, { fileActionsSandbox: false, callbackServerConfigured: true });
  }

  async function start(name: string, options: { external?: ExternalCalls } = {}) {
    const scheme = load(name);
    const ctx = context(scheme, { now, ...options });
    const step = await createInstance(ctx, scheme, {
      processId: 'p1',
      schemeId: `${name}-v1`,
      schemeVersion: 1,
      tenantId: null,
      actor: user('starter'),
      parameters: [],
    });
    return { scheme, ctx, step, family: applyStep(null, step) };
  }

  describe(`${schemes.label} run to their final activity`, () => {
    test('AutoTransitions: Auto triggers chain Activity_1 → Activity_2 → Activity_3 at creation', async () => {
      const { step } = await start('AutoTransitions');
      assert.deepEqual(route(step), ['Activity_1 → Activity_2', 'Activity_2 → Activity_3']);
      assert.equal(step.instances[0]!.activityName, 'Activity_3');
      assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
      assert.deepEqual(step.inbox.get('p1'), []);
      assert.deepEqual(step.outbox, []);
      assert.deepEqual(step.history.map((r) => r.isFinalised), [false, true]);
    });

    test('DirectTransitionsWithApproval: Created goes on to PendingApproval; Approve finishes it', async () => {
      const { ctx, step, family } = await start('DirectTransitionsWithApproval');
      assert.equal(family.root.activityName, 'PendingApproval');
      assert.equal(family.root.status, InstanceStatus.Idled);
      assert.equal(family.root.previousActivityForDirect, 'Created');
      assert.deepEqual(route(step), ['Created → PendingApproval']);
      assert.deepEqual(step.inbox.get('p1'), [], 'Approve has no actors: nobody in particular has it in the inbox');

      const approved = await executeCommand(ctx, family, { processId: 'p1', command: 'Approve', actor: user('ava'), parameters: [] });
      assert.equal(approved.wasExecuted, true);
      const after = approved.step.instances[0]!;
      assert.equal(after.activityName, 'Approved');
      assert.equal(after.status, InstanceStatus.Finalized);
      assert.equal(after.previousActivityForDirect, 'PendingApproval');
      assert.deepEqual(route(approved.step), ['PendingApproval → Approved']);
      assert.deepEqual(
        approved.step.history.map((r) => [r.triggerType, r.triggerName, r.classifier, r.identityId]),
        [['Command', 'Approve', 'Direct', 'ava']],
      );
      assert.deepEqual(approved.step.outbox.map((o) => [o.identityId, o.commandName, o.activityName]), [['ava', 'Approve', 'PendingApproval']]);
    });

    test('ExpressionConditionOtherwise: the Expression `true` wins over CheckParameter and Otherwise', async () => {
      const { step } = await start('ExpressionConditionOtherwise');
      assert.deepEqual(route(step), ['BeforeBranches → AfterExpression']);
      assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
    });

    test('ParameterExpressionOtherwise: SetParameter TestParameter=25 makes `@TestParameter > 20` hold', async () => {
      const { step } = await start('ParameterExpressionOtherwise');
      assert.deepEqual(route(step), ['SetParameter → AfterExpression']);
      assert.deepEqual(step.instances[0]!.parameters, { TestParameter: 25 });
    });

    test('ParametersAndExpressions: the callback action AddNumberToParameter counts 5 up to 10', async () => {
      const external = fakeExternal({
        actions: {
          AddNumberToParameter: (parameter, context) => {
            const { Number: add, ParameterName: name } = JSON.parse(parameter!) as { Number: number; ParameterName: string };
            return { [name]: Number(context.parameters[name]) + add };
          },
        },
      });
      const { step } = await start('ParametersAndExpressions', { external });
      assert.deepEqual(step.instances[0]!.parameters, { TestParameter: 10 });
      assert.equal(step.instances[0]!.activityName, 'ParameterEqual');
      assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
      assert.equal(external.calls.length, 5);
      assert.deepEqual(route(step).slice(0, 3), ['SetParameter → CheckParameter', 'CheckParameter → AddNumberToParameter', 'AddNumberToParameter → CheckParameter']);
      assert.equal(route(step).at(-1), 'CheckParameter → ParameterEqual');
    });

    test('Timer: the process waits in BeforeTimer until the Minute timer fires', async () => {
      const { ctx, step, family } = await start('Timer');
      assert.equal(family.root.activityName, 'BeforeTimer');
      assert.equal(family.root.status, InstanceStatus.Idled);
      assert.deepEqual(step.timers.get('p1'), [{ processId: 'p1', name: 'Minute', dueAt: '2026-04-01T08:01:00.000Z' }]);

      const fired = await fireTimer(at(ctx, new Date('2026-04-01T08:01:00.000Z')), family, { processId: 'p1', timerName: 'Minute' });
      assert.equal(fired.fired, true);
      assert.deepEqual(route(fired.step), ['BeforeTimer → AfterTimer']);
      assert.equal(fired.step.history[0]!.triggerType, 'Timer');
      assert.equal(fired.step.instances[0]!.status, InstanceStatus.Finalized);
      assert.deepEqual(fired.step.timers.get('p1'), []);
    });

    test('LoopForInt: ten passes through the loop body, counter ending at 10, then ActivityAfterLoop', async () => {
      const { step } = await start('LoopForInt');
      const passes = route(step).filter((r) => r === 'StartLoopFor → ActivityInLoop_1');
      assert.equal(passes.length, 10);
      assert.equal(route(step).at(-1), 'StartLoopFor → ActivityAfterLoop');
      const after = step.instances[0]!;
      assert.equal(after.parameters['LoopCounterValue'], 10);
      assert.deepEqual(after.parameters['LoopState'], { loopName: 'Loop', status: 'Completed', index: 10 });
      assert.equal(after.status, InstanceStatus.Finalized);
    });

    test('LoopForeach: five passes (one … five), then ActivityAfterLoop', async () => {
      const { step } = await start('LoopForeach');
      assert.equal(route(step).filter((r) => r === 'StartLoopForeach → ActivityInLoop_1').length, 5);
      assert.equal(step.instances[0]!.parameters['LoopCounterValue'], 'five');
      assert.equal(step.instances[0]!.activityName, 'ActivityAfterLoop');
    });

    test('ParallelProcessesWithWaiting: the subprocess works, finalizes and merges; the parent stops waiting and ends', async () => {
      const { step } = await start('ParallelProcessesWithWaiting');
      assert.deepEqual(route(step, 'p1'), ['SubprocessStart → MainProcessWork', 'MainProcessWork → WaitingForMerge', 'WaitingForMerge → Final']);
      assert.deepEqual(route(step, 'sub-1'), ['SubprocessStart → SubprocessWork', 'SubprocessWork → WaitingForMerge']);
      assert.deepEqual(
        step.instances.map((i) => [i.id, i.activityName, i.status]),
        [['p1', 'Final', InstanceStatus.Finalized]],
        'the subprocess started and ended within the step: it is never stored',
      );
      assert.deepEqual(step.removedInstanceIds, ['sub-1'], 'listed as removed, so the store drops what the step wrote about it');
    });

    test('ParallelProcessesWithWaiting, stored in between: a parent already waiting ends when its stored subprocess finalizes', async () => {
      const scheme = load('ParallelProcessesWithWaiting');
      const ctx: EngineContext = context(scheme, { now });
      const waitingParent: ProcessInstance = {
        id: 'p1', schemeCode: scheme.code, schemeId: 'v1', schemeVersion: 1, tenantId: null, status: InstanceStatus.Idled,
        activityName: 'WaitingForMerge', stateName: 'WaitingForMerge', previousActivityName: 'MainProcessWork', previousStateName: 'MainProcessWork',
        previousActivityForDirect: null, previousStateForDirect: null, previousActivityForReverse: null, previousStateForReverse: null,
        parentProcessId: null, rootProcessId: 'p1', startingTransitionName: null, parameters: { Result: null }, errorMessage: null,
        createdAt: now.toISOString(), lastTransitionAt: now.toISOString(), revision: 3,
      };
      const child: ProcessInstance = { ...waitingParent, id: 'c1', activityName: 'SubprocessWork', stateName: 'SubprocessWork', parentProcessId: 'p1', startingTransitionName: 'State1_Activity_1', parameters: { Result: 'done' } };
      const family: ProcessFamily = { root: waitingParent, instances: new Map([['p1', waitingParent], ['c1', child]]) };
      // Re-entering its activity makes the stored subprocess follow its Auto Finalize transition.
      const resumed = await setState(ctx, family, { processId: 'c1', state: 'SubprocessWork', actor: user('admin'), parameters: [], runActions: false });
      assert.deepEqual(resumed.removedInstanceIds, ['c1']);
      const parent = resumed.instances.find((i) => i.id === 'p1')!;
      assert.equal(parent.activityName, 'Final');
      assert.deepEqual(parent.parameters, { Result: 'done' }, 'OverwriteAllNulls filled the null');
    });

    test('HTTPRequest: the engine hands HTTPRequest and CheckHTTPRequest to the runtime’s external calls', async () => {
      const external = fakeExternal({
        actions: { HTTPRequest: () => ({ HTTPRequest_Result: { timezone: 'America/New_York' } }) },
        conditions: { CheckHTTPRequest: (parameter) => JSON.parse(parameter!).ResultFieldName === 'data' },
      });
      const { step } = await start('HTTPRequest', { external });
      assert.deepEqual(route(step), ['HTTPRequest → AfterRequest']);
      assert.deepEqual(step.instances[0]!.parameters, { HTTPRequest_Result: { timezone: 'America/New_York' } });
    });
  });
}
