import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWaymarkError } from '../errors/index.js';
import type { CompiledScheme } from '../scheme/model.js';
import {
  activity,
  actor,
  allow,
  applyStep,
  command,
  context,
  fakeExternal,
  inboxOf,
  nobody,
  on,
  parameter,
  restrict,
  route,
  scheme,
  transition,
  user,
  when,
} from '../../test/support/engine-kit.js';
import { createInstance, executeCommand, getAvailableCommands } from './index.js';
import { InstanceStatus, type EngineContext, type ParameterInput, type ProcessFamily } from './types.js';

async function started(compiled: CompiledScheme, ctx: EngineContext, parameters: ParameterInput[] = []): Promise<ProcessFamily> {
  const step = await createInstance(ctx, compiled, {
    processId: 'p1',
    schemeId: 'scheme-1',
    schemeVersion: 1,
    tenantId: null,
    actor: user('creator'),
    parameters,
  });
  return applyStep(null, step);
}

/** Draft --Go--> one of several destinations, chosen by the transitions under test. */
function branching(transitions: ReturnType<typeof transition>[], extra: Partial<Parameters<typeof scheme>[0]> = {}): CompiledScheme {
  return scheme({
    parameters: [parameter('Amount', 'Int32', 'Persistence', 0), parameter('Note', 'String', 'Temporary')],
    activities: [activity('Draft'), activity('Small'), activity('Big'), activity('Fallback'), activity('Done', { isFinal: true })],
    transitions,
    ...extra,
  });
}

const go = (to: string, options: Parameters<typeof transition>[2] = {}) =>
  transition('Draft', to, { trigger: on.command('Go'), name: `Draft_${to}`, ...options });

async function expectCode(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isWaymarkError(error), `expected a WaymarkError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

describe('executeCommand: conditions', () => {
  test('an Expression condition routes by a parameter; the first holding transition in scheme order wins', async () => {
    const compiled = branching([go('Big', { conditions: [when.expression('@Amount > 100')] }), go('Small', { conditions: [when.always()] })]);
    const ctx = context(compiled);
    const big = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 500 }]), {
      processId: 'p1',
      command: 'Go',
      actor: user('u1'),
      parameters: [],
    });
    assert.equal(big.wasExecuted, true);
    assert.equal(big.step.instances[0]!.activityName, 'Big');

    const small = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 5 }]), {
      processId: 'p1',
      command: 'Go',
      actor: user('u1'),
      parameters: [],
    });
    assert.equal(small.step.instances[0]!.activityName, 'Small');
  });

  test('an inverted Expression condition holds when the expression is false', async () => {
    const compiled = branching([go('Big', { conditions: [when.expression('@Amount > 100', true)] }), go('Fallback', { conditions: [when.otherwise()] })]);
    const ctx = context(compiled);
    const result = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 5 }]), {
      processId: 'p1',
      command: 'Go',
      actor: user('u1'),
      parameters: [],
    });
    assert.equal(result.step.instances[0]!.activityName, 'Big');
  });

  test('Otherwise is taken only when no other transition holds, even when it is listed first', async () => {
    const compiled = branching([go('Fallback', { conditions: [when.otherwise()] }), go('Big', { conditions: [when.expression('@Amount > 100')] })]);
    const ctx = context(compiled);
    const whenBig = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 101 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(whenBig.step.instances[0]!.activityName, 'Big');
    const whenSmall = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 100 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(whenSmall.step.instances[0]!.activityName, 'Fallback');
  });

  test('the built-in CheckParameter condition and an external condition, combined with And', async () => {
    const external = fakeExternal({ conditions: { IsWeekday: (parameter) => parameter === 'yes' } });
    const compiled = branching([
      go('Big', {
        conditions: [
          when.action('CheckParameter', { ParameterName: 'Amount', CompareType: 'MoreOrEqual', Value: '10' }),
          when.action('IsWeekday', 'yes'),
        ],
        conditionsConcatenation: 'And',
      }),
      go('Small', {
        conditions: [when.action('CheckParameter', { ParameterName: 'Amount', CompareType: 'MoreOrEqual', Value: '10' }), when.action('IsWeekday', 'no')],
        conditionsConcatenation: 'And',
      }),
    ]);
    const ctx = context(compiled, { external });
    const result = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 10 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(result.step.instances[0]!.activityName, 'Big');
  });

  test('CheckParameter also reads the older key spelling `Parameter` (as FileWriteRead.xml writes it)', async () => {
    const compiled = branching([
      go('Big', { conditions: [when.action('CheckParameter', { Parameter: 'Amount', CompareType: 'Equal', Value: '10' })] }),
      go('Fallback', { conditions: [when.otherwise()] }),
    ]);
    const ctx = context(compiled);
    const ten = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 10 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(ten.step.instances[0]!.activityName, 'Big');
    const eleven = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 11 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(eleven.step.instances[0]!.activityName, 'Fallback');
  });

  test('Or concatenation holds when any condition holds; And needs all', async () => {
    const conditions = [when.expression('@Amount > 100'), when.expression('@Amount == 7')];
    const compiled = branching([
      go('Big', { conditions, conditionsConcatenation: 'And' }),
      go('Small', { conditions, conditionsConcatenation: 'Or' }),
      go('Fallback', { conditions: [when.otherwise()] }),
    ]);
    const ctx = context(compiled);
    const seven = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 7 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(seven.step.instances[0]!.activityName, 'Small');
    const three = await executeCommand(ctx, await started(compiled, ctx, [{ name: 'Amount', value: 3 }]), {
      processId: 'p1', command: 'Go', actor: user('u1'), parameters: [],
    });
    assert.equal(three.step.instances[0]!.activityName, 'Fallback');
  });

  test('when no condition holds the command is not executed and nothing changes', async () => {
    const compiled = branching([go('Big', { conditions: [when.expression('@Amount > 100')] })]);
    const ctx = context(compiled);
    const result = await executeCommand(ctx, await started(compiled, ctx), { processId: 'p1', command: 'Go', actor: user('u1'), parameters: [] });
    assert.equal(result.wasExecuted, false);
    assert.deepEqual(result.step.instances, []);
    assert.deepEqual(result.step.history, []);
    assert.deepEqual(result.step.outbox, []);
  });
});

describe('executeCommand: refusals', () => {
  const compiled = scheme({
    parameters: [parameter('Reason', 'String', 'Temporary'), parameter('Priority', 'Int32', 'Persistence')],
    commands: [
      command('Go', [
        { name: 'reason', parameterName: 'Reason', isRequired: true },
        { name: 'priority', parameterName: 'Priority', isRequired: false, defaultValue: 3 },
      ]),
      command('Later'),
    ],
    activities: [activity('Draft'), activity('Next'), activity('Done', { isFinal: true })],
    transitions: [
      transition('Draft', 'Next', { trigger: on.command('Go') }),
      transition('Next', 'Done', { trigger: on.command('Later') }),
    ],
  });

  test('an unknown command is WM_COMMAND_NOT_FOUND with the vendor message', async () => {
    const ctx = context(compiled);
    await expectCode(
      executeCommand(ctx, await started(compiled, ctx), { processId: 'p1', command: 'Fly', actor: nobody, parameters: [] }),
      'WM_COMMAND_NOT_FOUND',
      'The command Fly is not found!',
    );
  });

  test('a command of another activity is WM_COMMAND_NOT_AVAILABLE', async () => {
    const ctx = context(compiled);
    await expectCode(
      executeCommand(ctx, await started(compiled, ctx), { processId: 'p1', command: 'Later', actor: nobody, parameters: [] }),
      'WM_COMMAND_NOT_AVAILABLE',
    );
  });

  test('a missing required command parameter is WM_COMMAND_PARAMETER_MISSING; a missing optional one takes its default', async () => {
    const ctx = context(compiled);
    const family = await started(compiled, ctx);
    await expectCode(executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: nobody, parameters: [] }), 'WM_COMMAND_PARAMETER_MISSING');
    const result = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: nobody, parameters: [{ name: 'reason', value: 'because' }] });
    const after = result.step.instances[0]!;
    assert.equal(after.parameters['Priority'], 3);
    assert.equal(Object.hasOwn(after.parameters, 'Reason'), false, 'the Temporary parameter is dropped after the step');
  });

  test('a Finalized instance and an instance in Error refuse commands with WM_INSTANCE_NOT_ACTIVE', async () => {
    const ctx = context(compiled);
    const family = await started(compiled, ctx);
    for (const status of [InstanceStatus.Finalized, InstanceStatus.Error, InstanceStatus.Terminated]) {
      const stopped: ProcessFamily = { ...family, instances: new Map([['p1', { ...family.root, status }]]), root: { ...family.root, status } };
      await expectCode(executeCommand(ctx, stopped, { processId: 'p1', command: 'Go', actor: nobody, parameters: [] }), 'WM_INSTANCE_NOT_ACTIVE');
    }
  });

  test('a System parameter passed with a command is refused as read-only', async () => {
    const ctx = context(compiled);
    await expectCode(
      executeCommand(ctx, await started(compiled, ctx), {
        processId: 'p1',
        command: 'Go',
        actor: nobody,
        parameters: [{ name: 'reason', value: 'x' }, { name: 'CurrentState', value: 'Done' }],
      }),
      'WM_PARAMETER_READ_ONLY',
    );
  });
});

describe('executeCommand: the commandInputsOnly parameter policy (task links)', () => {
  const compiled = scheme({
    parameters: [parameter('Amount', 'Int32', 'Persistence', 5000), parameter('Note', 'String', 'Persistence', 'stored')],
    commands: [command('Go', [{ name: 'note', parameterName: 'Note', isRequired: false }]), command('Plain')],
    activities: [activity('Draft'), activity('Small'), activity('Big'), activity('Done', { isFinal: true })],
    transitions: [
      transition('Draft', 'Small', { trigger: on.command('Go'), name: 'Draft_Small', conditions: [when.expression('@Amount < 1000 || @Note == "fast"')] }),
      transition('Draft', 'Big', { trigger: on.command('Go'), name: 'Draft_Big', conditions: [when.otherwise()] }),
      transition('Draft', 'Done', { trigger: on.command('Plain') }),
    ],
  });

  test('given an undeclared parameter, when the command runs under commandInputsOnly, then it is refused before any step', async () => {
    const ctx = context(compiled);
    const family = await started(compiled, ctx);
    await expectCode(
      executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: nobody, parameters: [{ name: 'Amount', value: 5 }], parameterPolicy: 'commandInputsOnly' }),
      'WM_INPUT_INVALID',
      'The parameter Amount is not an input of command Go (its inputs: note)',
    );
    await expectCode(
      executeCommand(ctx, family, { processId: 'p1', command: 'Plain', actor: nobody, parameters: [{ name: 'x', value: 1, persist: true }], parameterPolicy: 'commandInputsOnly' }),
      'WM_INPUT_INVALID',
      'The parameter x is not an input of command Plain (its inputs: none)',
    );
  });

  test('given a declared input that fills a Persistence parameter, when the command runs under commandInputsOnly, then conditions see it and it is not stored', async () => {
    const ctx = context(compiled);
    const family = await started(compiled, ctx);
    const result = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: nobody, parameters: [{ name: 'note', value: 'fast' }], parameterPolicy: 'commandInputsOnly' });
    const after = result.step.instances[0]!;
    assert.equal(after.activityName, 'Small');
    assert.equal(after.parameters['Note'], 'stored');
  });

  test('given the same input under anyParameter (the default), then it is stored', async () => {
    const ctx = context(compiled);
    const family = await started(compiled, ctx);
    const result = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: nobody, parameters: [{ name: 'note', value: 'fast' }, { name: 'Amount', value: 7 }] });
    assert.deepEqual([result.step.instances[0]!.parameters['Note'], result.step.instances[0]!.parameters['Amount']], ['fast', 7]);
  });
});

describe('executeCommand: restrictions', () => {
  const actors = [
    actor('Author', 'isUser', '@Author'),
    actor('Boss', 'InRole', 'Boss'),
    actor('Auditor', 'InRole', 'Auditor'),
    actor('Intern', 'InRole', 'Intern'),
    actor('Mallory', 'isUser', 'mallory'),
  ];
  const roles = { Boss: ['bob', 'mallory', 'alice'], Auditor: ['alice', 'carol'], Intern: ['alice'] };
  const build = (restrictions: ReturnType<typeof allow>[], options: { allowConcatenation?: 'And' | 'Or'; restrictConcatenation?: 'And' | 'Or' } = {}) =>
    scheme({
      parameters: [parameter('Author', 'String', 'Persistence', 'ann')],
      actors,
      activities: [activity('Draft'), activity('Done', { isFinal: true })],
      transitions: [transition('Draft', 'Done', { trigger: on.command('Go'), restrictions, ...options })],
    });

  async function outcome(compiled: CompiledScheme, who: ReturnType<typeof user>): Promise<'executed' | 'refused'> {
    const ctx = context(compiled, { roles });
    try {
      await executeCommand(ctx, await started(compiled, ctx), { processId: 'p1', command: 'Go', actor: who, parameters: [] });
      return 'executed';
    } catch (error) {
      if (isWaymarkError(error, 'WM_COMMAND_NOT_ALLOWED')) return 'refused';
      throw error;
    }
  }

  test('Allow isUser @Param lets only the user named by the parameter through', async () => {
    const compiled = build([allow('Author')]);
    assert.equal(await outcome(compiled, user('ann')), 'executed');
    assert.equal(await outcome(compiled, user('bob')), 'refused');
    assert.equal(await outcome(compiled, nobody), 'refused');
  });

  test('Allow with And needs every actor; with Or any one', async () => {
    const and = build([allow('Boss'), allow('Auditor')], { allowConcatenation: 'And' });
    assert.equal(await outcome(and, user('alice')), 'executed');
    assert.equal(await outcome(and, user('bob')), 'refused');
    const or = build([allow('Boss'), allow('Auditor')], { allowConcatenation: 'Or' });
    assert.equal(await outcome(or, user('bob')), 'executed');
    assert.equal(await outcome(or, user('carol')), 'executed');
    assert.equal(await outcome(or, user('dave')), 'refused');
  });

  test('Restrict with Or refuses anyone caught by one restricting actor; with And only those caught by all', async () => {
    const or = build([allow('Boss'), restrict('Mallory'), restrict('Intern')], { restrictConcatenation: 'Or' });
    assert.equal(await outcome(or, user('bob')), 'executed');
    assert.equal(await outcome(or, user('mallory')), 'refused');
    assert.equal(await outcome(or, user('alice')), 'refused');
    const and = build([allow('Boss'), restrict('Auditor'), restrict('Intern')], { restrictConcatenation: 'And' });
    assert.equal(await outcome(and, user('alice')), 'refused');
    assert.equal(await outcome(and, user('mallory')), 'executed');
  });

  test('an identity acting for an allowed identity (impersonation) may execute; history records both', async () => {
    const compiled = build([allow('Author')]);
    const ctx = context(compiled, { roles });
    const result = await executeCommand(ctx, await started(compiled, ctx), {
      processId: 'p1',
      command: 'Go',
      actor: user('deputy', 'ann'),
      parameters: [],
    });
    assert.equal(result.wasExecuted, true);
    assert.equal(result.step.history[0]!.identityId, 'deputy');
    assert.equal(result.step.history[0]!.impersonatedIdentityId, 'ann');
    assert.equal(result.step.outbox[0]!.identityId, 'deputy');
    assert.equal(await outcome(compiled, user('deputy', 'bob')), 'refused');
  });

  test('a rule that is not built in is asked of the callback server', async () => {
    const external = fakeExternal({ rules: { IsManagerOf: { check: (value, id) => value === 'ann' && id === 'meg', identities: () => ['meg'] } } });
    const compiled = scheme({
      parameters: [parameter('Author', 'String', 'Persistence', 'ann')],
      actors: [actor('ManagerOfAnn', 'IsManagerOf', 'ann')],
      activities: [activity('Draft'), activity('Done', { isFinal: true })],
      transitions: [transition('Draft', 'Done', { trigger: on.command('Go'), restrictions: [allow('ManagerOfAnn')] })],
    });
    const ctx = context(compiled, { external });
    const family = await started(compiled, ctx);
    assert.deepEqual((await createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: nobody, parameters: [] })).inbox.get('p1'), [
      { processId: 'p1', identityId: 'meg', availableCommands: ['Go'], addedAt: ctx.now.toISOString() },
    ]);
    await expectCode(executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: user('tom'), parameters: [] }), 'WM_COMMAND_NOT_ALLOWED');
    const result = await executeCommand(ctx, family, { processId: 'p1', command: 'Go', actor: user('meg'), parameters: [] });
    assert.equal(result.step.instances[0]!.status, InstanceStatus.Finalized);
  });
});

describe('executeCommand: inbox, outbox, history and parameters', () => {
  const compiled = scheme({
    parameters: [parameter('Author', 'String', 'Persistence', 'ann'), parameter('Comment', 'String', 'Temporary')],
    actors: [actor('Author', 'isUser', '@Author'), actor('Reviewer', 'InRole', 'Reviewers')],
    activities: [activity('Draft'), activity('Review', { state: 'Under review' }), activity('Done', { isFinal: true })],
    transitions: [
      transition('Draft', 'Review', { trigger: on.command('Submit'), classifier: 'Direct', restrictions: [allow('Author')] }),
      transition('Review', 'Done', { trigger: on.command('Approve'), classifier: 'Direct', restrictions: [allow('Reviewer')] }),
      transition('Review', 'Draft', { trigger: on.command('Reject'), classifier: 'Reverse', restrictions: [allow('Reviewer')] }),
    ],
  });
  const roles = { Reviewers: ['rita', 'rob'] };

  test('given a draft, when the author submits, then reviewers see Approve/Reject, the author has an outbox item and history has the Direct move', async () => {
    const ctx = context(compiled, { roles });
    const family = await started(compiled, ctx);
    assert.deepEqual(inboxOf(await createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: nobody, parameters: [] }), 'p1'), {
      ann: ['Submit'],
    });
    const { step } = await executeCommand(ctx, family, { processId: 'p1', command: 'Submit', actor: user('ann'), parameters: [{ name: 'Comment', value: 'please' }] });
    const after = step.instances[0]!;
    assert.equal(after.activityName, 'Review');
    assert.equal(after.stateName, 'Under review');
    assert.equal(after.status, InstanceStatus.Idled);
    assert.equal(after.previousActivityForDirect, 'Draft');
    assert.equal(after.previousActivityForReverse, null);
    assert.equal(after.lastTransitionAt, ctx.now.toISOString());
    assert.deepEqual(after.parameters, { Author: 'ann' }, 'the Temporary Comment is not stored');
    assert.deepEqual(inboxOf(step, 'p1'), { rita: ['Approve', 'Reject'], rob: ['Approve', 'Reject'] });
    assert.deepEqual(step.outbox, [
      { processId: 'p1', identityId: 'ann', commandName: 'Submit', activityName: 'Draft', stateName: 'Draft', executedAt: ctx.now.toISOString() },
    ]);
    assert.deepEqual(step.history, [
      {
        processId: 'p1',
        fromActivityName: 'Draft',
        fromStateName: 'Draft',
        toActivityName: 'Review',
        toStateName: 'Under review',
        triggerType: 'Command',
        triggerName: 'Submit',
        transitionName: 'Draft_Review',
        classifier: 'Direct',
        identityId: 'ann',
        impersonatedIdentityId: null,
        isFinalised: false,
        transitionTime: ctx.now.toISOString(),
      },
    ]);
    assert.deepEqual(step.events, [
      { type: 'statusChanged', processId: 'p1', oldStatus: InstanceStatus.Idled, newStatus: InstanceStatus.Running },
      { type: 'activityChanged', processId: 'p1', previousActivityName: 'Draft', currentActivityName: 'Review' },
      { type: 'statusChanged', processId: 'p1', oldStatus: InstanceStatus.Running, newStatus: InstanceStatus.Idled },
    ]);
  });

  test('when a reviewer rejects, the Reverse move sets PreviousActivityForReverse and the author is back in the inbox', async () => {
    const ctx = context(compiled, { roles });
    let family = await started(compiled, ctx);
    family = applyStep(family, (await executeCommand(ctx, family, { processId: 'p1', command: 'Submit', actor: user('ann'), parameters: [] })).step);
    const { step } = await executeCommand(ctx, family, { processId: 'p1', command: 'Reject', actor: user('rob'), parameters: [] });
    const after = step.instances[0]!;
    assert.equal(after.activityName, 'Draft');
    assert.equal(after.previousActivityForReverse, 'Review');
    assert.equal(after.previousActivityForDirect, 'Draft');
    assert.equal(after.previousActivityName, 'Review');
    assert.deepEqual(inboxOf(step, 'p1'), { ann: ['Submit'] });
    assert.equal(step.history[0]!.classifier, 'Reverse');
  });

  test('when the process finishes, the inbox is empty and the status is Finalized', async () => {
    const ctx = context(compiled, { roles });
    let family = await started(compiled, ctx);
    family = applyStep(family, (await executeCommand(ctx, family, { processId: 'p1', command: 'Submit', actor: user('ann'), parameters: [] })).step);
    const { step } = await executeCommand(ctx, family, { processId: 'p1', command: 'Approve', actor: user('rita'), parameters: [] });
    assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
    assert.deepEqual(step.inbox.get('p1'), []);
    assert.equal(step.history[0]!.isFinalised, true);
  });

  test('a parameter passed with persist:true is stored; without it an undeclared parameter lives only for the step', async () => {
    const ctx = context(compiled, { roles });
    const family = await started(compiled, ctx);
    const { step } = await executeCommand(ctx, family, {
      processId: 'p1',
      command: 'Submit',
      actor: user('ann'),
      parameters: [
        { name: 'Kept', value: { days: 3 }, persist: true },
        { name: 'Dropped', value: 1 },
      ],
    });
    assert.deepEqual(step.instances[0]!.parameters, { Author: 'ann', Kept: { days: 3 } });
  });

  test('the inputs are never changed', async () => {
    const ctx = context(compiled, { roles });
    const family = await started(compiled, ctx);
    const snapshot = structuredClone([...family.instances.values()]);
    await executeCommand(ctx, family, { processId: 'p1', command: 'Submit', actor: user('ann'), parameters: [] });
    assert.deepEqual([...family.instances.values()], snapshot);
  });

  test('getAvailableCommands lists what the actor may execute, with identities and parameters', async () => {
    const withParameters = scheme({
      ...compiled.definition,
      commands: [
        command('Submit', [{ name: 'Comment', parameterName: 'Comment', isRequired: false, defaultValue: '' }]),
        command('Approve'),
        command('Reject'),
      ],
      localization: [{ type: 'Command', objectName: 'Submit', culture: 'de-DE', isDefault: false, value: 'Einreichen' }],
    });
    const ctx = context(withParameters, { roles });
    const family = await started(withParameters, ctx);
    assert.deepEqual(await getAvailableCommands(ctx, family, { processId: 'p1', actor: user('rita') }), []);
    assert.deepEqual(await getAvailableCommands(ctx, family, { processId: 'p1', actor: user('ann'), culture: 'de-DE' }), [
      {
        name: 'Submit',
        localizedName: 'Einreichen',
        classifier: 'Direct',
        isForSubprocess: false,
        validForStateName: 'Draft',
        validForActivityName: 'Draft',
        processId: 'p1',
        identities: ['ann'],
        parameters: [{ parameterName: 'Comment', localizedName: 'Comment', typeName: 'String', isRequired: false, defaultValue: '' }],
      },
    ]);
  });
});
