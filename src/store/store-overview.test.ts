/**
 * The overview seam (store-overview.ts): the Dashboard's figures, read across schemes, instances,
 * timers, inbox and logs, with the bounded counts stopping at their bound.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES } from '../../test/support/postgres.js';
import { fakeInstance, fakeScheme, fakeStep, fakeWrite } from './testing.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');

for (const factory of STORE_FACTORIES) {
  describe(`store overview on ${factory.name}`, () => {
    it('counts schemes, root instances by status, timers, inbox items and recent errors, each up to its bound', async (t) => {
      const store = await factory.open(t);
      await store.saveScheme(fakeScheme('Vacation'), null, NOW);
      await store.saveScheme(fakeScheme('Vacation'), null, NOW);
      await store.saveScheme(fakeScheme('Expense'), null, NOW);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'p1', status: 1 }),
          fakeInstance({ id: 'p2', status: 1 }),
          fakeInstance({ id: 'p3', status: 2 }),
          fakeInstance({ id: 'p3-sub', status: 1, parentProcessId: 'p3', rootProcessId: 'p3' }),
        ],
        timers: {
          p1: [{ processId: 'p1', name: 'A', dueAt: '2026-03-02T00:00:00.000Z' }, { processId: 'p1', name: 'B', dueAt: '2026-03-03T00:00:00.000Z' }],
          p2: [{ processId: 'p2', name: 'A', dueAt: '2026-03-02T00:00:00.000Z' }],
        },
        inbox: { p1: [{ processId: 'p1', identityId: 'alice', availableCommands: ['Approve'], addedAt: NOW.toISOString() }] },
      })));
      await store.appendLog({ level: 'error', message: 'old', properties: {}, createdAt: '2026-02-01T00:00:00.000Z' });
      await store.appendLog({ level: 'error', message: 'recent', properties: {}, createdAt: '2026-03-01T09:00:00.000Z' });
      await store.appendLog({ level: 'info', message: 'recent, not an error', properties: {}, createdAt: '2026-03-01T09:00:00.000Z' });

      const counts = await store.dashboardCounts({ errorsSince: '2026-03-01T00:00:00.000Z', bound: 2 });
      assert.equal(counts.schemes, 2, 'codes, not versions');
      assert.equal(counts.instancesByStatus[1], 2, 'roots only');
      assert.equal(counts.instancesByStatus[2], 1);
      assert.deepEqual(counts.pendingTimers, { count: 3, atLeast: true }, 'stopped after bound + 1');
      assert.deepEqual(counts.openUserTasks, { count: 1, atLeast: false });
      assert.deepEqual(counts.errorLogEntries, { count: 1, atLeast: false });
      assert.deepEqual((await store.dashboardCounts({ errorsSince: '2026-03-01T00:00:00.000Z', bound: 3 })).pendingTimers, { count: 3, atLeast: false });
    });
  });
}
