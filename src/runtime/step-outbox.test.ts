import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeInstance, fakeStep } from '../store/testing.js';
import { RuntimeStepOutbox } from './step-outbox.js';

const webhook = { processId: 'p1', kind: 'webhook', payload: { n: 1 } };
const step = {
  ...fakeStep({ instances: [fakeInstance({ id: 'p1', status: 2 })] }),
  events: [
    { type: 'activityChanged', processId: 'p1', previousActivityName: 'Draft', currentActivityName: 'Review' },
    { type: 'statusChanged', processId: 'p1', oldStatus: 0, newStatus: 1 },
    { type: 'statusChanged', processId: 'p1', oldStatus: 1, newStatus: 2 },
  ] as const,
  messages: [webhook],
};

describe('RuntimeStepOutbox', () => {
  it("turns events into notifications (status only on Idled and Finalized) after the step's own messages", async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: true, activityChanged: true }));
    const messages = await outbox.messagesFor(step);
    assert.deepEqual(messages.map((m) => m.kind), ['webhook', 'processActivityChanged', 'processStatusChanged']);
    assert.deepEqual((messages[2]!.payload as { newStatus: number }).newStatus, 2);
    assert.deepEqual((messages[1]!.payload as { processInstance: { id: string } }).processInstance.id, 'p1');
    assert.notEqual((messages[1]!.payload as { processInstance: object }).processInstance, step.instances[0], 'the payload holds a copy of the instance');
  });

  it("writes no notification nobody wants, and keeps the step's messages", async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: false, activityChanged: false }));
    assert.deepEqual(await outbox.messagesFor(step), [webhook]);
    assert.deepEqual(await outbox.messagesFor({ ...step, messages: [] }), []);
  });
});
