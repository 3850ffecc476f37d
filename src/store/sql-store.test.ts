/**
 * The store as a whole (SqlStore, the composition of the seams): closing and ping.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

/** Every case below, run on one adapter. */
function storeSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('lifecycle', () => {
    it('commits the steps already submitted before closing', async (t) => {
      const store = await openStore(t);
      const submitted = store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
      await store.close();
      await submitted;
      await assert.rejects(store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p2' })] }))));
    });

    it('answers ping while open and not after close', async (t) => {
      const store = await openStore(t);
      assert.equal(store.kind, factory.name);
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`store on ${factory.name}`, () => storeSuite(factory));
}
