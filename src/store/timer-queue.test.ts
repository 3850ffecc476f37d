/**
 * The timer-queue seam (timer-queue.ts): due timers, claims and their leases.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

const at = (iso: string): Date => new Date(iso);

/** Every case below, run on one adapter. */
function timerQueueSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('due timers', () => {
    it('returns due timers oldest first, up to the limit', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        timers: {
          p1: [{ processId: 'p1', name: 'Late', dueAt: '2026-01-03T00:00:00.000Z' }, { processId: 'p1', name: 'Early', dueAt: '2026-01-01T00:00:00.000Z' }],
          p2: [{ processId: 'p2', name: 'Middle', dueAt: '2026-01-02T00:00:00.000Z' }],
        },
      })));
      const due = await store.getDueTimers(new Date('2026-01-02T00:00:00.000Z'), 10);
      assert.deepEqual(due.map((d) => d.name), ['Early', 'Middle']);
      assert.deepEqual((await store.getDueTimers(new Date('2026-02-01T00:00:00.000Z'), 2)).map((d) => d.name), ['Early', 'Middle']);
      assert.deepEqual(await store.getDueTimers(new Date('2025-12-31T00:00:00.000Z'), 10), []);
    });
  });

  async function storeWithTimers(t: TestContext): Promise<Store> {
    const store = await openStore(t);
    await store.applyStep(fakeWrite(fakeStep({
      instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
      timers: {
        p1: [{ processId: 'p1', name: 'Soon', dueAt: '2026-01-01T00:10:00.000Z' }],
        p2: [{ processId: 'p2', name: 'Later', dueAt: '2026-01-01T01:00:00.000Z' }],
      },
    })));
    return store;
  }

  describe('timer claims', () => {
    it('claims a due timer once until its lease lapses, then again', async (t) => {
      const store = await storeWithTimers(t);
      assert.equal((await store.nextTimerWakeAt())?.toISOString(), '2026-01-01T00:10:00.000Z');
      assert.deepEqual(await store.claimDueTimers(at('2026-01-01T00:05:00Z'), at('2026-01-01T00:06:00Z'), 10), []);

      const claimed = await store.claimDueTimers(at('2026-01-01T00:10:00Z'), at('2026-01-01T00:11:00Z'), 10);
      assert.deepEqual(claimed.map((c) => c.name), ['Soon']);
      assert.deepEqual(await store.claimDueTimers(at('2026-01-01T00:10:30Z'), at('2026-01-01T00:11:30Z'), 10), [], 'leased');
      assert.equal((await store.nextTimerWakeAt())?.toISOString(), '2026-01-01T00:11:00.000Z', 'wake at lease end');
      const again = await store.claimDueTimers(at('2026-01-01T00:11:00Z'), at('2026-01-01T00:12:00Z'), 10);
      assert.deepEqual(again.map((c) => c.name), ['Soon'], 'claimed again after the lease lapsed');
    });

    it('a step that replaces the timers ends the lease; deleteTimer drops a stale one', async (t) => {
      const store = await storeWithTimers(t);
      await store.claimDueTimers(at('2026-01-01T02:00:00Z'), at('2026-01-01T02:01:00Z'), 1);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1', revision: 1 })],
        timers: { p1: [{ processId: 'p1', name: 'Soon', dueAt: '2026-01-01T02:00:00.000Z' }] },
      }), { p1: 1 }));
      const claimed = await store.claimDueTimers(at('2026-01-01T02:00:00Z'), at('2026-01-01T02:01:00Z'), 10);
      assert.deepEqual(claimed.map((c) => `${c.processId}/${c.name}`), ['p2/Later', 'p1/Soon'], 'oldest due first');
      await store.deleteTimer({ processId: 'p2', name: 'Later', dueAt: '2026-01-01T00:00:00.000Z' });
      assert.equal((await store.getTimers('p2')).length, 1, 'a different due time is not deleted');
      await store.deleteTimer({ processId: 'p2', name: 'Later', dueAt: '2026-01-01T01:00:00.000Z' });
      assert.equal((await store.getTimers('p2')).length, 0);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`timer queue on ${factory.name}`, () => timerQueueSuite(factory));
}
