/**
 * The user seam (user-store.ts): users with roles and credentials, locks, filters.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store, StoredUser } from './store.js';
import { hasCode } from './testing.js';
import { externalCredential, passwordCredential } from './user-credentials.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');

/** Every case below, run on one adapter. */
function userStoreSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('users and roles', () => {
    const alice: Omit<StoredUser, 'lock' | 'createdAt'> = {
      id: 'u-alice',
      name: 'Alice Smith',
      email: 'Alice@Example.com',
      phone: '+100',
      login: 'alice',
      domainLogin: null,
      isLocked: false,
      tenantId: 't1',
      extensions: { department: 'HR' },
      credentials: [
        passwordCredential('scrypt$16384$8$1$c2FsdA==$aGFzaA==', 'c0000000-0000-4000-8000-00000000a001', NOW.toISOString()),
        externalCredential({ provider: 'google', key: 'g-1' }, 'c0000000-0000-4000-8000-00000000a002', NOW.toISOString()),
      ],
      roles: ['Manager', 'Employee'],
    };
    const bob = { ...alice, id: 'u-bob', name: 'Bob Jones', email: 'bob@example.com', phone: '+200', login: 'bob', tenantId: 't2', credentials: [], roles: ['Employee'] };

    it('creates and reads users with their roles', async (t) => {
      const store = await openStore(t);
      const created = await store.createUser(alice, NOW);
      assert.deepEqual(created, { ...alice, roles: ['Employee', 'Manager'], lock: 1, createdAt: NOW.toISOString() });
      assert.deepEqual(await store.getUser('u-alice'), created);
      assert.equal(await store.getUser('nobody'), null);
      await assert.rejects(store.createUser(alice, NOW), hasCode('WM_USER_EXISTS'));
      await assert.rejects(store.createUser({ ...alice, id: 'u-other' }, NOW), hasCode('WM_USER_EXISTS'));
    });

    it('updates when the lock matches and refuses a stale lock (WM_LOCK_CONFLICT)', async (t) => {
      const store = await openStore(t);
      const created = await store.createUser(alice, NOW);
      const updated = await store.updateUser({ ...alice, name: 'Alice B. Smith', roles: ['Director'] }, created.lock);
      assert.equal(updated.lock, created.lock + 1);
      assert.equal(updated.name, 'Alice B. Smith');
      assert.deepEqual(updated.roles, ['Director']);
      assert.equal(await store.isInRole('u-alice', 'Manager'), false);

      await assert.rejects(store.updateUser({ ...alice, name: 'Lost update' }, created.lock), hasCode('WM_LOCK_CONFLICT'));
      assert.equal((await store.getUser('u-alice'))?.name, 'Alice B. Smith');
      const unconditional = await store.updateUser({ ...alice, name: 'Forced' }, undefined);
      assert.equal(unconditional.lock, created.lock + 2);
      await assert.rejects(store.updateUser({ ...alice, id: 'ghost' }, undefined), hasCode('WM_USER_NOT_FOUND'));
      await store.createUser(bob, NOW);
      await assert.rejects(store.updateUser({ ...bob, login: 'alice' }, undefined), hasCode('WM_USER_EXISTS'));
    });

    it('answers role questions and lists users by filter and page', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      await store.createUser(bob, NOW);
      await store.createUser({ ...bob, id: 'u-carl', name: 'Carl', email: null, phone: null, login: null, roles: [] }, NOW);

      assert.deepEqual(await store.usersInRole('Employee'), ['u-alice', 'u-bob']);
      assert.deepEqual(await store.usersInRole('Manager'), ['u-alice']);
      assert.equal(await store.isInRole('u-bob', 'Employee'), true);
      assert.equal(await store.isInRole('u-bob', 'Manager'), false);

      const userIds = (r: { items: readonly StoredUser[] }) => r.items.map((u) => u.id);
      assert.deepEqual(userIds(await store.listUsers({})), ['u-alice', 'u-bob', 'u-carl']);
      assert.deepEqual(userIds(await store.listUsers({ role: 'Manager' })), ['u-alice']);
      assert.deepEqual(userIds(await store.listUsers({ name: 'JON' })), ['u-bob']);
      assert.deepEqual(userIds(await store.listUsers({ email: 'alice@example.com' })), ['u-alice']);
      assert.deepEqual(userIds(await store.listUsers({ phone: '+200' })), ['u-bob']);
      assert.deepEqual(userIds(await store.listUsers({ tenantId: 't2' })), ['u-bob', 'u-carl']);
      const page = await store.listUsers({ skip: 1, take: 1 });
      assert.deepEqual(userIds(page), ['u-bob']);
      assert.equal(page.total, 3);
      assert.deepEqual(page.items[0]?.roles, ['Employee']);
    });

    it('keeps each credential under its own id and finds a user by a credential id', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      const stored = await store.getUser('u-alice');
      assert.deepEqual(
        stored?.credentials.map((c) => [c.id, c.kind, c.provider, c.login]),
        [
          ['c0000000-0000-4000-8000-00000000a001', 'password', null, null],
          ['c0000000-0000-4000-8000-00000000a002', 'external', 'google', 'g-1'],
        ],
      );
      assert.deepEqual(stored?.credentials[1]?.details, { provider: 'google', key: 'g-1' });
      assert.equal((await store.getUserByCredential('c0000000-0000-4000-8000-00000000a002'))?.id, 'u-alice');
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-0000000000ff'), null);

      // An update replaces the credentials; a deleted user's credentials go with it.
      await store.updateUser({ ...alice, credentials: alice.credentials.slice(1) }, undefined);
      assert.deepEqual((await store.getUser('u-alice'))?.credentials.map((c) => c.kind), ['external']);
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-00000000a001'), null);
      await store.deleteUser('u-alice');
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-00000000a002'), null);
    });

    it('deletes a user with their roles', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      assert.equal(await store.deleteUser('u-alice'), true);
      assert.equal(await store.deleteUser('u-alice'), false);
      assert.deepEqual(await store.usersInRole('Manager'), []);
      await store.createUser(alice, NOW);
      assert.deepEqual((await store.getUser('u-alice'))?.roles, ['Employee', 'Manager']);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`user store on ${factory.name}`, () => userStoreSuite(factory));
}
