import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWaymarkError } from '../errors/index.js';
import {
  action,
  activity,
  applyStep,
  context,
  fakeExternal,
  inboxOf,
  actor,
  allow,
  on,
  parameter,
  route,
  scheme,
  transition,
  user,
} from '../../test/support/engine-kit.js';
import {
  createInstance,
  getAvailableStatesToSet,
  localize,
  readParameter,
  recalculateInbox,
  resume,
  setState,
  writeParameter,
} from './index.js';
import { InstanceStatus, type EngineContext, type ProcessFamily } from './types.js';

const compiled = scheme({
  parameters: [parameter('Owner', 'String', 'Persistence', 'olga'), parameter('Count', 'Int32', 'Persistence', 0), parameter('Hint', 'String', 'Temporary')],
  actors: [actor('Owner', 'isUser', '@Owner')],
  activities: [
    activity('Draft', { state: 'Drafting' }),
    activity('Review', { state: 'Reviewing', implementation: [action('SetParameter', { ParameterName: 'Count', Value: '1' })] }),
    activity('ReviewAgain', { state: 'Reviewing', isForSetState: false }),
    activity('Archive', { state: 'Archived', isForSetState: false }),
    activity('Publish', { state: null, implementation: [action('Publish', 'site')] }),
    activity('Done', { isFinal: true, state: 'Done' }),
  ],
  transitions: [
    transition('Draft', 'Review', { trigger: on.command('Send'), restrictions: [allow('Owner')] }),
    transition('Review', 'Publish', { trigger: on.command('Accept'), restrictions: [allow('Owner')] }),
    transition('Publish', 'Done'),
  ],
  localization: [
    { type: 'State', objectName: 'Reviewing', culture: 'en-US', isDefault: true, value: 'In review' },
    { type: 'State', objectName: 'Reviewing', culture: 'fr-FR', isDefault: false, value: 'En révision' },
  ],
});

async function draft(ctx: EngineContext): Promise<ProcessFamily> {
  return applyStep(
    null,
    await createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: user('olga'), parameters: [] }),
  );
}

describe('setState', () => {
  test('the settable states are the IsForSetState activities, one per state, localized', () => {
    assert.deepEqual(getAvailableStatesToSet(compiled, 'fr-FR'), [
      { name: 'Drafting', visibleName: 'Drafting', schemeCode: 'Test', activityName: 'Draft' },
      { name: 'Reviewing', visibleName: 'En révision', schemeCode: 'Test', activityName: 'Review' },
      { name: 'Publish', visibleName: 'Publish', schemeCode: 'Test', activityName: 'Publish' },
      { name: 'Done', visibleName: 'Done', schemeCode: 'Test', activityName: 'Done' },
    ]);
    assert.equal(getAvailableStatesToSet(compiled, 'de-DE')[1]!.visibleName, 'In review', 'the default entry when the culture has none');
  });

  test('given a draft, when set to the state Reviewing, it moves to Review, runs its actions and records a SetState move', async () => {
    const ctx = context(compiled);
    const step = await setState(ctx, await draft(ctx), { processId: 'p1', state: 'Reviewing', actor: user('admin'), parameters: [] });
    const after = step.instances[0]!;
    assert.equal(after.activityName, 'Review');
    assert.equal(after.parameters['Count'], 1);
    assert.deepEqual(
      step.history.map((r) => [r.triggerType, r.triggerName, r.fromActivityName, r.toActivityName, r.identityId]),
      [['SetState', 'Reviewing', 'Draft', 'Review', 'admin']],
    );
    assert.deepEqual(inboxOf(step, 'p1'), { olga: ['Accept'] });
  });

  test('runActions:false moves without running the activity’s actions', async () => {
    const ctx = context(compiled);
    const step = await setState(ctx, await draft(ctx), { processId: 'p1', state: 'Review', actor: user('admin'), parameters: [], runActions: false });
    assert.equal(step.instances[0]!.activityName, 'Review');
    assert.equal(step.instances[0]!.parameters['Count'], 0);
  });

  test('an unknown state is WM_STATE_NOT_FOUND; a state without a settable activity is WM_STATE_NOT_SETTABLE', async () => {
    const ctx = context(compiled);
    const family = await draft(ctx);
    await assert.rejects(setState(ctx, family, { processId: 'p1', state: 'Nowhere', actor: user('a'), parameters: [] }), (e: unknown) =>
      isWaymarkError(e, 'WM_STATE_NOT_FOUND'),
    );
    await assert.rejects(setState(ctx, family, { processId: 'p1', state: 'Archived', actor: user('a'), parameters: [] }), (e: unknown) =>
      isWaymarkError(e, 'WM_STATE_NOT_SETTABLE'),
    );
  });

  test('setting a finalized process to a state brings it back to life', async () => {
    const ctx = context(compiled);
    const family = await draft(ctx);
    const finished: ProcessFamily = { ...family, instances: new Map([['p1', { ...family.root, activityName: 'Done', stateName: 'Done', status: InstanceStatus.Finalized }]]) };
    const step = await setState(ctx, finished, { processId: 'p1', state: 'Drafting', actor: user('admin'), parameters: [] });
    assert.equal(step.instances[0]!.status, InstanceStatus.Idled);
    assert.equal(step.instances[0]!.activityName, 'Draft');
  });
});

describe('resume', () => {
  async function failedAtPublish(ctx: EngineContext): Promise<ProcessFamily> {
    const family = await setState(ctx, await draft(ctx), { processId: 'p1', state: 'Publish', actor: user('admin'), parameters: [] });
    return applyStep(await draft(ctx), family);
  }

  test('given a process in Error because an action failed, when resumed with the callback back, it re-runs the actions and goes on', async () => {
    const broken = context(compiled);
    const family = await failedAtPublish(broken);
    assert.equal(family.root.status, InstanceStatus.Error);
    assert.match(family.root.errorMessage!, /Action Publish failed/);

    const published: string[] = [];
    const healed = context(compiled, { external: fakeExternal({ actions: { Publish: (target) => void published.push(target!) } }) });
    const { wasResumed, step } = await resume(healed, family, { processId: 'p1', actor: user('admin'), parameters: [] });
    assert.equal(wasResumed, true);
    assert.deepEqual(published, ['site']);
    const after = step.instances[0]!;
    assert.equal(after.status, InstanceStatus.Finalized);
    assert.equal(after.errorMessage, null);
    assert.deepEqual(route(step), ['Publish → Publish', 'Publish → Done']);
    assert.equal(step.history[0]!.triggerType, 'Resume');
  });

  test('resume from another activity, when given', async () => {
    const ctx = context(compiled);
    const family = await failedAtPublish(ctx);
    const { step } = await resume(ctx, family, { processId: 'p1', activity: 'Draft', actor: user('admin'), parameters: [] });
    assert.equal(step.instances[0]!.activityName, 'Draft');
    assert.equal(step.instances[0]!.status, InstanceStatus.Idled);
    await assert.rejects(resume(ctx, family, { processId: 'p1', activity: 'Mars', actor: user('a'), parameters: [] }), (e: unknown) =>
      isWaymarkError(e, 'WM_ACTIVITY_NOT_FOUND'),
    );
  });

  test('a process that is not in Error is not resumed', async () => {
    const ctx = context(compiled);
    const { wasResumed, step } = await resume(ctx, await draft(ctx), { processId: 'p1', actor: user('admin'), parameters: [] });
    assert.equal(wasResumed, false);
    assert.deepEqual(step.instances, []);
  });
});

describe('parameters', () => {
  test('readParameter gives System, stored and declared-initial values', async () => {
    const ctx = context(compiled);
    const instance = (await draft(ctx)).root;
    assert.equal(readParameter(compiled, instance, 'ProcessId'), 'p1');
    assert.equal(readParameter(compiled, instance, 'CurrentState'), 'Drafting');
    assert.equal(readParameter(compiled, instance, 'CurrentActivity'), 'Draft');
    assert.equal(readParameter(compiled, instance, 'SchemeCode'), 'Test');
    assert.equal(readParameter(compiled, instance, 'Owner'), 'olga');
    assert.equal(readParameter(compiled, instance, 'Missing'), undefined);
  });

  test('writeParameter converts to the declared type, refuses System parameters and wrong types, and never changes its input', async () => {
    const ctx = context(compiled);
    const instance = (await draft(ctx)).root;
    const written = writeParameter(compiled, instance, 'Count', '42');
    assert.equal(written.parameters['Count'], 42);
    assert.equal(instance.parameters['Count'], 0);
    assert.deepEqual(writeParameter(compiled, instance, 'Anything', { a: [1] }).parameters['Anything'], { a: [1] });
    assert.throws(() => writeParameter(compiled, instance, 'CurrentState', 'Done'), (e: unknown) => isWaymarkError(e, 'WM_PARAMETER_READ_ONLY'));
    assert.throws(() => writeParameter(compiled, instance, 'Count', 'lots'), (e: unknown) => isWaymarkError(e, 'WM_PARAMETER_TYPE'));
    assert.throws(() => writeParameter(compiled, instance, 'Count', 3.5), (e: unknown) => isWaymarkError(e, 'WM_PARAMETER_TYPE'));
    assert.throws(() => writeParameter(compiled, instance, 'Owner', { not: 'text' }), (e: unknown) => isWaymarkError(e, 'WM_PARAMETER_TYPE'));
  });

  test('at creation: Persistence parameters get initial values; a Temporary one passed in is used but not stored', async () => {
    const ctx = context(compiled);
    const step = await createInstance(ctx, compiled, {
      processId: 'p2',
      schemeId: 's',
      schemeVersion: 1,
      tenantId: null,
      actor: user('olga'),
      parameters: [{ name: 'Hint', value: 'temporary' }, { name: 'Count', value: 5 }],
    });
    assert.deepEqual(step.instances[0]!.parameters, { Owner: 'olga', Count: 5 });
  });

  test('localize picks the culture, then the language, then the default, then the name', () => {
    assert.equal(localize(compiled, 'State', 'Reviewing', 'fr-FR'), 'En révision');
    assert.equal(localize(compiled, 'State', 'Reviewing', 'fr-CA'), 'En révision');
    assert.equal(localize(compiled, 'State', 'Reviewing', 'ja-JP'), 'In review');
    assert.equal(localize(compiled, 'State', 'Drafting', 'fr-FR'), 'Drafting');
  });

  test('recalculateInbox recomputes who may act, from the stored parameters', async () => {
    const ctx = context(compiled);
    const family = await draft(ctx);
    const moved: ProcessFamily = { ...family, instances: new Map([['p1', { ...family.root, parameters: { Owner: 'oscar' } }]]) };
    const step = await recalculateInbox(ctx, moved, 'p1');
    assert.deepEqual(inboxOf(step, 'p1'), { oscar: ['Send'] });
    assert.deepEqual(step.instances, []);
  });
});
