/**
 * The outbox-queue seam (outbox-queue.ts): messages written with their step, claimed in order per process, retried, given up.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

const at = (iso: string): Date => new Date(iso);

/** Every case below, run on one adapter. */
function outboxQueueSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('outbox messages', () => {
    it('are written with the step, claimed oldest-first per process, retried and completed', async (t) => {
      const store = await openStore(t);
      await store.applyStep({
        ...fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })] })),
        messages: [
          { processId: 'p1', kind: 'webhook', payload: { n: 1 } },
          { processId: 'p1', kind: 'webhook', payload: { n: 2 } },
          { processId: 'p2', kind: 'webhook', payload: { n: 3 } },
        ],
      });
      const now = at('2026-01-01T00:00:00Z');
      const first = await store.claimOutboxMessages(now, at('2026-01-01T00:01:00Z'), 10);
      assert.deepEqual(first.map((m) => m.payload), [{ n: 1 }, { n: 3 }], 'only the head of each process');
      assert.deepEqual(await store.claimOutboxMessages(now, at('2026-01-01T00:01:00Z'), 10), [], 'leased, and n=2 waits for n=1');

      await store.failOutboxMessage(first[0]!.id, 'answered 500', at('2026-01-01T00:00:30Z'), false, now);
      await store.completeOutboxMessage(first[1]!.id);
      assert.equal((await store.nextOutboxWakeAt())?.toISOString(), '2026-01-01T00:00:30.000Z');
      assert.deepEqual(await store.claimOutboxMessages(at('2026-01-01T00:00:10Z'), at('2026-01-01T00:01:00Z'), 10), [], 'backoff respected');
      const retried = await store.claimOutboxMessages(at('2026-01-01T00:00:30Z'), at('2026-01-01T00:01:30Z'), 10);
      assert.deepEqual(retried.map((m) => [m.payload, m.attempts, m.lastError]), [[{ n: 1 }, 1, 'answered 500']]);

      await store.failOutboxMessage(retried[0]!.id, 'gave up', now, true, now);
      const next = await store.claimOutboxMessages(at('2026-01-01T00:00:30Z'), at('2026-01-01T00:01:30Z'), 10);
      assert.deepEqual(next.map((m) => m.payload), [{ n: 2 }], 'a given-up message no longer holds back later ones');
      assert.equal((await store.listOutboxMessages({ includeFailed: true })).filter((m) => m.failedAt !== null).length, 1);
    });

    it('a step that fails writes no messages', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
      await assert.rejects(store.applyStep({
        ...fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 7 })] }), { p1: 7 }),
        messages: [{ processId: 'p1', kind: 'webhook', payload: null }],
      }), { code: 'WM_INSTANCE_CONFLICT' });
      assert.deepEqual(await store.listOutboxMessages({}), []);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`outbox queue on ${factory.name}`, () => outboxQueueSuite(factory));
}
