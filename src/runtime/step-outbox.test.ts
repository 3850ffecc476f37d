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
    const messages = await outbox.run('p1', async () => {
      outbox.enqueue('p1', { processId: 'p1', kind: 'webhook', payload: { n: 1 } });
      return outbox.messagesFor('p1', step);
    });
    assert.deepEqual(messages.map((m) => m.kind), ['webhook', 'processActivityChanged', 'processStatusChanged']);
    assert.deepEqual((messages[2]!.payload as { newStatus: number }).newStatus, 2);
  });

  it('writes no notification nobody wants, and keeps concurrent calls of different families apart', async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: false, activityChanged: false }));
    const [a, b] = await Promise.all([
      outbox.run('a', async () => {
        outbox.enqueue('a', { processId: 'a-child', kind: 'webhook', payload: null });
        await new Promise((resolve) => setImmediate(resolve));
        return outbox.messagesFor('a', step);
      }),
      outbox.run('b', async () => outbox.messagesFor('b', step)),
    ]);
    assert.deepEqual(a.map((m) => m.processId), ['a-child']);
    assert.deepEqual(b, []);
    assert.throws(() => outbox.enqueue('x', { processId: 'x', kind: 'webhook', payload: null }), /outside a workflow step/);
    assert.throws(() => outbox.enqueue('a', { processId: 'a', kind: 'webhook', payload: null }), /outside a workflow step/, 'the queue ends with its call');
  });

  it('refuses a second call for a family while one runs (the service holds the family lock)', async () => {
    const outbox = new RuntimeStepOutbox(async () => ({ statusChanged: false, activityChanged: false }));
    let release!: () => void;
    const first = outbox.run('f', () => new Promise<void>((resolve) => (release = resolve)));
    await assert.rejects(outbox.run('f', async () => undefined), /Two workflow calls ran at once/);
    release();
    await first;
    assert.equal(await outbox.run('f', async () => 'again'), 'again');
  });
});
