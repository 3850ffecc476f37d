import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createDatabase, createTestDatabase } from '../../test/support/postgres.js';
import { storeMigrations } from './migrations.js';
import { createPostgresStore } from './postgres-store.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

describe('PostgreSQL store shared by several nodes', () => {
  it('three nodes starting at once on an empty database migrate it once', async (t) => {
    const { url, drop } = await createDatabase();
    t.after(drop);
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url })));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await client.query<{ name: string }>('select name from migrations order by name');
      assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(storeMigrations('postgres')).sort());
      for (const store of stores) assert.equal(await store.ping(), true);
    } finally {
      await client.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('two nodes claiming due timers at the same moment never claim one timer twice', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    const count = 500;
    const ids = Array.from({ length: count }, (_, i) => `p${i}`);
    await nodes[0]!.applyStep(fakeWrite(fakeStep({
      instances: ids.map((id) => fakeInstance({ id })),
      timers: Object.fromEntries(ids.map((id) => [id, [{ processId: id, name: 'Due', dueAt: '2026-01-01T00:00:00.000Z' }]])),
    })));
    const now = new Date('2026-01-01T00:01:00Z');
    const lease = new Date('2026-01-01T00:02:00Z');
    const claimedBy = await Promise.all(nodes.map(async (store) => {
      const mine: string[] = [];
      for (;;) {
        const batch = await store.claimDueTimers(now, lease, 20);
        if (batch.length === 0) return mine;
        mine.push(...batch.map((timer) => timer.processId));
      }
    }));
    const all = claimedBy.flat();
    assert.equal(all.length, count, 'every timer claimed');
    assert.equal(new Set(all).size, count, 'no timer claimed twice');
  });

  it('two nodes writing two instances in opposite orders: a deadlock is reported as WM_INSTANCE_CONFLICT, never a raw error', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    await nodes[0]!.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'i1' }), fakeInstance({ id: 'i2' })] })));
    const stats = new pg.Client({ connectionString: url });
    // The database is dropped (terminating this connection) before this client's own cleanup.
    stats.on('error', () => undefined);
    await stats.connect();
    t.after(() => stats.end().catch(() => undefined));
    const deadlocks = async () => Number((await stats.query<{ deadlocks: string }>('select deadlocks from pg_stat_database where datname = current_database()')).rows[0]!.deadlocks);
    const before = await deadlocks();
    for (let round = 1; round <= 3; round++) {
      const revision = (await nodes[0]!.getInstance('i1'))!.revision;
      const orders = [['i1', 'i2'], ['i2', 'i1']];
      const results = await Promise.allSettled(nodes.map((store, n) => {
        const instances = orders[n]!.map((id) => fakeInstance({ id, revision, activityName: `by-${n}` }));
        return store.applyStep(fakeWrite(fakeStep({ instances }), { i1: revision, i2: revision }));
      }));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: one winner`);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((loser.reason as { code?: string }).code, 'WM_INSTANCE_CONFLICT', String(loser.reason));
    }
    // pg_stat counters are flushed lazily; the outcome above is what matters when none is seen yet.
    t.diagnostic(`deadlocks detected: ${(await deadlocks()) - before}`);
  });

  it('steps from two nodes on one revision: exactly one wins, the other gets WM_INSTANCE_CONFLICT', async (t) => {
    const url = await createTestDatabase(t);
    const nodes: Store[] = [await createPostgresStore({ url }), await createPostgresStore({ url })];
    t.after(() => Promise.all(nodes.map((s) => s.close())));
    await nodes[0]!.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
    for (let round = 1; round <= 20; round++) {
      const results = await Promise.allSettled(nodes.map((store, n) =>
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: round, activityName: `by-${n}` })] }), { p1: round }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: one winner`);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((loser.reason as { code?: string }).code, 'WM_INSTANCE_CONFLICT');
      assert.equal((await nodes[1]!.getInstance('p1'))?.revision, round + 1);
    }
  });
});
