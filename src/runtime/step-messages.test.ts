import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent, ProcessInstance, StepResult } from '../engine/types.js';
import type { StepFacts } from '../services/index.js';
import { fakeInstance, fakeStep, fakeTransition } from '../store/testing.js';
import { RuntimeStepMessages, type NotificationWanted } from './step-messages.js';

const everything: NotificationWanted = async () => ({ statusChanged: true, activityChanged: true, processLog: true });
const nothing: NotificationWanted = async () => ({ statusChanged: false, activityChanged: false, processLog: false });

function facts(overrides: Partial<StepFacts> = {}): StepFacts {
  return { before: new Map(), logEnabled: () => false, now: '2026-01-01T00:02:00.000Z', ...overrides };
}

const webhook = { processId: 'p1', kind: 'webhook', payload: { n: 1 } };

function stepWith(instances: readonly ProcessInstance[], events: readonly EngineEvent[], extra: Parameters<typeof fakeStep>[0] = {}, messages: StepResult['messages'] = []): StepResult {
  return { ...fakeStep({ instances, ...extra }), events, messages };
}

const idled = fakeInstance({ id: 'p1', status: 2, activityName: 'Review', parameters: { Amount: 10 } });
const step = stepWith(
  [idled],
  [
    { type: 'activityChanged', processId: 'p1', previousActivityName: 'Draft', currentActivityName: 'Check' },
    { type: 'statusChanged', processId: 'p1', oldStatus: 0, newStatus: 1 },
    { type: 'activityChanged', processId: 'p1', previousActivityName: 'Check', currentActivityName: 'Review' },
    { type: 'statusChanged', processId: 'p1', oldStatus: 1, newStatus: 2 },
  ],
  {},
  [webhook],
);

describe('RuntimeStepMessages', () => {
  it("turns events into the vendor notification bodies (status only on Idled and Finalized, by name) after the step's own messages", async () => {
    const outbox = new RuntimeStepMessages(everything);
    const messages = await outbox.messagesFor(step, facts());
    assert.deepEqual(messages.map((m) => m.kind), ['webhook', 'processActivityChanged', 'processActivityChanged', 'processStatusChanged']);
    const status = messages[3]!.payload as Record<string, unknown>;
    assert.equal(status.oldStatus, 'Running');
    assert.equal(status.newStatus, 'Idled');
    assert.equal(status.schemeCode, 'VacationRequest');
    const processInstance = status.processInstance as Record<string, unknown>;
    assert.equal(processInstance.Id, 'p1');
    assert.equal(processInstance.ActivityName, 'Review');
    assert.equal(processInstance.InstanceStatus, 2, 'the ProcessInstance keeps the number, as the vendor model types it');
    assert.deepEqual(processInstance.ProcessParameters, { Amount: 10 });
    assert.equal('revision' in processInstance || 'Revision' in processInstance, false, 'no internal field leaks');
  });

  it('marks the last activity change of an instance in the step with transitionalProcessWasCompleted', async () => {
    const outbox = new RuntimeStepMessages(everything);
    const messages = await outbox.messagesFor(step, facts());
    const activity = messages.filter((m) => m.kind === 'processActivityChanged').map((m) => m.payload as Record<string, unknown>);
    assert.deepEqual(
      activity.map((body) => [body.previousActivityName, body.currentActivityName, body.transitionalProcessWasCompleted]),
      [['Draft', 'Check', false], ['Check', 'Review', true]],
    );
  });

  it('sends no processstatuschanged for a subprocess, and lists the live subprocesses in SubProcessIds', async () => {
    const root = fakeInstance({ id: 'root', status: 2 });
    const child = fakeInstance({ id: 'child', status: 3, parentProcessId: 'root', rootProcessId: 'root' });
    const sibling = fakeInstance({ id: 'sibling', status: 2, parentProcessId: 'root', rootProcessId: 'root' });
    const forked = stepWith(
      [root, child],
      [
        { type: 'statusChanged', processId: 'child', oldStatus: 1, newStatus: 3 },
        { type: 'statusChanged', processId: 'root', oldStatus: 1, newStatus: 2 },
      ],
      { removedInstanceIds: ['child'] },
    );
    const outbox = new RuntimeStepMessages(everything);
    const messages = await outbox.messagesFor(forked, facts({ before: new Map([['root', root], ['child', child], ['sibling', sibling]]) }));
    assert.deepEqual(messages.map((m) => m.processId), ['root']);
    const body = messages[0]!.payload as { processInstance: { SubProcessIds: string[]; IsSubProcess: boolean } };
    assert.deepEqual(body.processInstance.SubProcessIds, ['sibling'], 'the finalized child is gone, the untouched sibling stays');
    assert.equal(body.processInstance.IsSubProcess, false);
  });

  it('batches the process log of a LogEnabled scheme: one entry per transition and one per instance put in Error', async () => {
    const failed = fakeInstance({ id: 'p2', status: 5, errorMessage: 'Callback server main answered 500', activityName: 'Check' });
    const logged = stepWith(
      [failed],
      [{ type: 'statusChanged', processId: 'p2', oldStatus: 1, newStatus: 5 }],
      { history: [fakeTransition('p2', 'Draft', 'Check')] },
    );
    const outbox = new RuntimeStepMessages(everything);
    const withLog = await outbox.messagesFor(logged, facts({ logEnabled: (instance) => instance.schemeId === 'scheme-1' }));
    const batch = withLog.find((m) => m.kind === 'processLog')!.payload as { processLogs: Record<string, unknown>[] };
    assert.deepEqual(batch.processLogs.map((entry) => [entry.Level, entry.Message]), [
      ['Information', "Draft → Check (Command 'GoCheck')"],
      ['Error', 'Callback server main answered 500'],
    ]);
    assert.equal((batch.processLogs[0]!.Properties as Record<string, unknown>).IdentityId, 'alice');

    const withoutLog = await outbox.messagesFor(logged, facts());
    assert.equal(withoutLog.some((m) => m.kind === 'processLog'), false, 'a scheme without LogEnabled sends no process log');
  });

  it("writes no notification nobody wants, and keeps the step's messages", async () => {
    const outbox = new RuntimeStepMessages(nothing);
    assert.deepEqual(await outbox.messagesFor(step, facts()), [webhook]);
    assert.deepEqual(await outbox.messagesFor({ ...step, messages: [] }, facts()), []);
  });
});
