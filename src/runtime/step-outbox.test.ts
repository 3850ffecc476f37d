import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeInstance, fakeStep } from '../store/testing.js';
import { RuntimeStepOutbox } from './step-outbox.js';

const step = {
  ...fakeStep({ instances: [fakeInstance({ id: 'p1', status: 2 })] }),
  events: [
    { type: 'activityChanged', processId: 'p1', previousActivityName: 'Draft', currentActivityName: 'Review' },
    { type: 'statusChanged', processId: 'p1', oldStatus: 0, newStatus: 1 },
    { type: 'statusChanged', processId: 'p1', oldStatus: 1, newStatus: 2 },
  ] as const,
};

describe('RuntimeStepOutbox', () => {
  it('turns events into notifications (status only on Idled and Finalized) after the queued webhooks', async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: true, activityChanged: true }));
    const messages = await outbox.run(async () => {
      outbox.enqueue({ processId: 'p1', kind: 'webhook', payload: { n: 1 } });
      return outbox.messagesFor(step);
    });
    assert.deepEqual(messages.map((m) => m.kind), ['webhook', 'processActivityChanged', 'processStatusChanged']);
    assert.deepEqual((messages[2]!.payload as { newStatus: number }).newStatus, 2);
  });

  it('writes no notification nobody wants, and keeps concurrent calls apart', async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: false, activityChanged: false }));
    const [a, b] = await Promise.all([
      outbox.run(async () => {
        outbox.enqueue({ processId: 'a', kind: 'webhook', payload: null });
        await new Promise((resolve) => setImmediate(resolve));
        return outbox.messagesFor(step);
      }),
      outbox.run(async () => outbox.messagesFor(step)),
    ]);
    assert.deepEqual(a.map((m) => m.processId), ['a']);
    assert.deepEqual(b, []);
    assert.throws(() => outbox.enqueue({ processId: 'x', kind: 'webhook', payload: null }), /outside a workflow step/);
  });
});
