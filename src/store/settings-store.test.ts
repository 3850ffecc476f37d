/**
 * The settings seam (settings-store.ts).
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';

/** Every case below, run on one adapter. */
function settingsStoreSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('settings', () => {
    it('stores JSON values by key; null removes them', async (t) => {
      const store = await openStore(t);
      assert.equal(await store.getSetting('license'), null);
      await store.setSetting('license', { plan: 'free', seats: 5, features: ['a'] });
      assert.deepEqual(await store.getSetting('license'), { plan: 'free', seats: 5, features: ['a'] });
      await store.setSetting('license', 'pro');
      assert.equal(await store.getSetting<string>('license'), 'pro');
      await store.setSetting('flag', false);
      assert.equal(await store.getSetting('flag'), false);
      await store.setSetting('license', null);
      assert.equal(await store.getSetting('license'), null);
    });

    it('stores a value only when the key has none: of two racing writers exactly one wins', async (t) => {
      const store = await openStore(t);
      const results = await Promise.all([store.setSettingIfAbsent('first-key', 'a'), store.setSettingIfAbsent('first-key', 'b')]);
      assert.deepEqual(results.filter(Boolean).length, 1);
      assert.equal(await store.getSetting('first-key'), results[0] ? 'a' : 'b');
      assert.equal(await store.setSettingIfAbsent('first-key', 'c'), false);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`settings store on ${factory.name}`, () => settingsStoreSuite(factory));
}
