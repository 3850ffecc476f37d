/**
 * The log seam (log-store.ts).
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';

/** Every case below, run on one adapter. */
function logStoreSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  it('logs: appended entries are read back newest first, filtered by level, search and paging', async (t) => {
    const store = await openStore(t);
    await store.appendLog({ level: 'info', message: 'Started 100%', properties: { processId: 'p1' }, createdAt: '2026-01-01T00:00:01.000Z' });
    await store.appendLog({ level: 'error', message: 'Backup failed', properties: { attempt: 2 }, createdAt: '2026-01-01T00:00:02.000Z' });
    const third = await store.appendLog({ level: 'info', message: 'Done', properties: {}, createdAt: '2026-01-01T00:00:03.000Z' });
    assert.ok(third.id > 0);
    const all = await store.queryLogs({});
    assert.equal(all.total, 3);
    assert.deepEqual(all.items.map((e) => e.message), ['Done', 'Backup failed', 'Started 100%']);
    assert.deepEqual((await store.queryLogs({ level: 'error' })).items[0]?.properties, { attempt: 2 });
    assert.deepEqual((await store.queryLogs({ search: '100%' })).items.map((e) => e.message), ['Started 100%']);
    assert.deepEqual((await store.queryLogs({ search: '0%' })).items.map((e) => e.message), ['Started 100%'], '% is literal');
    const page = await store.queryLogs({ skip: 1, take: 1 });
    assert.deepEqual([page.total, page.items.map((e) => e.message)], [3, ['Backup failed']]);
    assert.deepEqual((await store.queryLogs({ skip: 2 })).items.map((e) => e.message), ['Started 100%']);
    assert.deepEqual((await store.queryLogs({ from: '2026-01-01T00:00:02.000Z', to: '2026-01-01T00:00:02.500Z' })).items.map((e) => e.message), ['Backup failed']);
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`log store on ${factory.name}`, () => logStoreSuite(factory));
}
