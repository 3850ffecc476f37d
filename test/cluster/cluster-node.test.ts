import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterNode, joinCluster, nodeTimeoutFromEnvironment, notifyingStore, type Change, type NodeRecord } from '../../src/cluster/index.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { createAccessControl } from '../../src/access/access-control.js';
import { SettingsService } from '../../src/access/settings-service.js';
import { capturingLogger } from '../../src/access/testing.js';
import { isWaymarkError } from '../../src/errors/index.js';
import { ManualClock } from '../../src/services/clock.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { createTestDatabase } from '../support/postgres.js';

function waitFor<T>(what: string, poll: () => T | undefined, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      const value = poll();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 10);
    };
    check();
  });
}

describe('node registry', () => {
  it('registers each node, and the first to beat after another went silent declares it lost, once', async (t) => {
    const url = await createTestDatabase(t);
    const store = await createPostgresStore({ url });
    t.after(() => store.close());
    const clockA = new ManualClock('2026-05-01T10:00:00.000Z');
    const clockB = new ManualClock('2026-05-01T10:00:00.000Z');
    const clockC = new ManualClock('2026-05-01T10:00:00.000Z');
    const lostSeen: Record<string, readonly NodeRecord[]> = {};
    const start = (name: string, clock: ManualClock) =>
      ClusterNode.start({ databaseUrl: url, clock, nodeTimeoutMs: 30_000, nodeId: name, runtimeState: () => 'running', onNodesLost: (nodes) => (lostSeen[name] = nodes) });
    const a = await start('node-a', clockA);
    const b = await start('node-b', clockB);
    const c = await start('node-c', clockC);
    t.after(() => Promise.all([b.stop(), c.stop()]));

    assert.deepEqual((await b.listNodes()).map((n) => [n.id, n.runtimeState, n.pid]), [
      ['node-a', 'running', process.pid],
      ['node-b', 'running', process.pid],
      ['node-c', 'running', process.pid],
    ]);

    // a goes silent (its process "hangs"); b and c keep beating past the timeout.
    clockB.advance(20_000);
    clockC.advance(20_000);
    await Promise.all([b.heartbeat(), c.heartbeat()]);
    assert.deepEqual(lostSeen, {}, 'within the timeout nobody is lost');
    clockB.advance(11_000);
    clockC.advance(11_000);
    await Promise.all([b.heartbeat(), c.heartbeat()]);
    const reports = Object.values(lostSeen);
    assert.equal(reports.length, 1, 'exactly one node declares the loss');
    assert.deepEqual(reports[0]!.map((n) => n.id), ['node-a']);
    assert.equal((await b.listNodes()).find((n) => n.id === 'node-a')?.runtimeState, 'lost');

    // a comes back: its next beat puts it back to running; a clean stop says stopped.
    await a.heartbeat();
    assert.equal((await b.listNodes()).find((n) => n.id === 'node-a')?.runtimeState, 'running');
    await a.stop();
    assert.equal((await b.listNodes()).find((n) => n.id === 'node-a')?.runtimeState, 'stopped');
  });

  it('on SQLite the node is alone: an id, no registry, no notifications', async () => {
    const node = await ClusterNode.start({ databaseUrl: null, clock: new ManualClock(), runtimeState: () => 'running' });
    assert.match(node.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await node.listNodes(), []);
    await node.heartbeat();
    await node.notifier.publish('settings', 'x');
    await node.stop();
  });

  it('on SQLite the store is not wrapped (nothing to announce); on PostgreSQL each method is wrapped once', async (t) => {
    const store = await createSqliteStore({ filename: ':memory:' });
    t.after(() => store.close());
    const alone = await joinCluster({ databaseUrl: null, clock: new ManualClock() });
    t.after(() => alone.node.stop());
    assert.equal(alone.announcing(store), store);

    const wrapped = notifyingStore(store, alone.node.notifier);
    assert.equal(wrapped.getInstance, wrapped.getInstance, 'a plain method, bound once');
    assert.equal(wrapped.setSetting, wrapped.setSetting, 'an announced write, wrapped once');
    assert.notEqual(wrapped.setSetting, store.setSetting);
  });

  it('reads WAYMARK_NODE_TIMEOUT_MS, refusing nonsense', () => {
    assert.equal(nodeTimeoutFromEnvironment({}), 30_000);
    assert.equal(nodeTimeoutFromEnvironment({ WAYMARK_NODE_TIMEOUT_MS: '2000' }), 2000);
    for (const bad of ['abc', '-5', '1.5', '10']) {
      assert.throws(() => nodeTimeoutFromEnvironment({ WAYMARK_NODE_TIMEOUT_MS: bad }), { code: 'WM_CONFIG_INVALID' });
    }
  });
});

describe('change notifications', () => {
  it('a setting changed on one node is announced to the others at once, and they read the new value', async (t) => {
    const url = await createTestDatabase(t);
    const storeA = await createPostgresStore({ url });
    const storeB = await createPostgresStore({ url });
    t.after(() => Promise.all([storeA.close(), storeB.close()]));
    const clock = new ManualClock();
    const a = await ClusterNode.start({ databaseUrl: url, clock, nodeId: 'node-a', runtimeState: () => 'running' });
    const b = await ClusterNode.start({ databaseUrl: url, clock, nodeId: 'node-b', runtimeState: () => 'running' });
    t.after(() => Promise.all([a.stop(), b.stop()]));
    const heardByB: Change[] = [];
    const heardByA: Change[] = [];
    b.notifier.onChange((change) => heardByB.push(change));
    a.notifier.onChange((change) => heardByA.push(change));

    const settingsOnA = new SettingsService(notifyingStore(storeA, a.notifier), clock);
    const settingsOnB = new SettingsService(storeB, clock);
    await settingsOnA.setApiToken('a-long-enough-api-token-0123456789');
    const change = await waitFor('the settings change on b', () => heardByB.find((c) => c.kind === 'settings'));
    assert.deepEqual(change, { kind: 'settings', nodeId: 'node-a', key: 'access.apiToken' });
    assert.equal(await settingsOnB.getApiToken(), 'a-long-enough-api-token-0123456789');

    await notifyingStore(storeA, a.notifier).createUser({ id: 'u1', name: 'Una', email: null, phone: null, login: null, domainLogin: null, isLocked: false, tenantId: null, extensions: {}, credentials: [], roles: [] }, clock.now());
    await waitFor('the user change on b', () => heardByB.find((c) => c.kind === 'users' && c.key === 'u1'));
    assert.deepEqual(heardByA, [], 'a node does not hear its own changes');
  });

  it('an access control listening to its node forgets a setting as soon as another node changes it', async (t) => {
    const url = await createTestDatabase(t);
    const storeA = await createPostgresStore({ url });
    const storeB = await createPostgresStore({ url });
    t.after(() => Promise.all([storeA.close(), storeB.close()]));
    // The clock never moves: only the announcement can make node b read the setting again.
    const clock = new ManualClock();
    const a = await ClusterNode.start({ databaseUrl: url, clock, nodeId: 'node-a', runtimeState: () => 'running' });
    const b = await ClusterNode.start({ databaseUrl: url, clock, nodeId: 'node-b', runtimeState: () => 'running' });
    t.after(() => Promise.all([a.stop(), b.stop()]));
    const accessOnB = await createAccessControl({ store: storeB, logger: capturingLogger().logger, clock, startupSecretsPending: true, changes: b.notifier });
    // Listens after the access control, so by the time it hears a change the access control has too.
    const heardByB: Change[] = [];
    b.notifier.onChange((change) => heardByB.push(change));
    const settingsOnA = new SettingsService(notifyingStore(storeA, a.notifier), clock);

    await settingsOnA.setApiToken('the-first-api-token-0123456789');
    await waitFor('the first change on b', () => heardByB.find((c) => c.key === 'access.apiToken'));
    await accessOnB.checkWorkflowApi({ token: 'the-first-api-token-0123456789' });
    await settingsOnA.setApiToken('the-second-api-token-012345678');
    await waitFor('the second change on b', () => (heardByB.filter((c) => c.key === 'access.apiToken').length === 2 ? true : undefined));
    await assert.rejects(accessOnB.checkWorkflowApi({ token: 'the-first-api-token-0123456789' }), (error) => isWaymarkError(error, 'WM_UNAUTHORIZED'));
    await accessOnB.checkWorkflowApi({ token: 'the-second-api-token-012345678' });
  });
});
